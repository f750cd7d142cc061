"""A refused form says so at its top, each problem linked to its field (issue 23 §4):
"Errors show at the top of the form with links to the fields (today one sits 1,800 px down
the page)" — and "the label “Chuyên đề” sits above its checkboxes"."""

import re

from tests.training.test_class_life import CLASS


def test_the_errors_are_listed_at_the_top_with_links_to_their_fields(client, tree):
    client.force_login(tree.melinh_officer)
    sent = {**CLASS, "name": "", "budget_planned": "bốn lăm triệu", "topics": [tree.topic.pk]}
    body = client.post("/training/classes/new/", sent).content.decode()
    summary = body.index('id="form-errors"')
    assert summary < body.index('class="field')  # above the first field
    box = body[summary : body.index("</div>", summary)]
    assert "Chưa lưu được: hãy sửa các mục sau." in box
    links = dict(re.findall(r'<a href="#(id_\w+)">([^<]+)</a>', box))
    assert set(links) == {"id_name", "id_budget_planned"}
    for field_id in links:  # each link lands on its field
        assert f'id="{field_id}"' in body


def test_a_group_of_checkboxes_has_its_label_above_it(client, tree):
    client.force_login(tree.melinh_officer)
    body = client.get("/training/classes/new/").content.decode()
    legend = re.search(r"<legend>(Chuyên đề[^<]*)</legend>", body)
    assert legend  # the topics' group is named by a legend above its boxes
    boxes = body.index(f'name="topics" value="{tree.topic.pk}"')
    assert legend.start() < boxes and "<legend>" not in body[legend.end() : boxes]
