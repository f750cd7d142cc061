"""Pages that say things as the person reading them would (issue 23 §8): "the age filter
shows “u30”; “Tại ngày” vs the README's “Tính đến ngày” (one wording)"."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_age_filter_says_its_bands_in_words_as_the_structure_report_does(client, tree):
    client.force_login(tree.hanoi_officer)
    body = client.get("/people/").content.decode()
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', body))
    assert options["u30"] == "Dưới 30 tuổi" and options["50+"] == "Từ 50 tuổi trở lên"
    assert ">u30<" not in body


def test_the_day_asked_is_called_as_the_readme_calls_it(client, tree):
    client.force_login(tree.hanoi_officer)
    for url in ("/units/", "/targets/", "/people/", "/training/chairs/"):
        body = client.get(url).content.decode()
        label = re.search(r'<label for="id_on">([^<]*)</label>', body) or re.search(
            r"<label>([^<]*)<input[^>]*name=\"on\"", body
        )
        assert label and label.group(1).strip(" *:").lower() == "tính đến ngày", url
        assert "Tại ngày" not in body, url


def test_a_warning_is_not_shown_as_a_success(client, tree):
    """Issue 23 §8: "a warning shown in green as a success"."""
    client.force_login(tree.hanoi_officer)
    body = client.get("/units/", {"on": "31/02/2025"}).content.decode()  # no such day
    warning = re.search(r'<p class="msg warning" role="alert">([^<]+)</p>', body)
    assert warning, body[:3000]
    css = (ROOT / "static" / "css" / "app.css").read_text()
    backgrounds = dict(re.findall(r"^\.msg(\.\w+)? \{ background: (#\w+);", css, re.M))
    assert backgrounds[".warning"] not in (backgrounds[""], None)  # "" : a success's green


def test_the_unit_tree_says_what_each_of_its_numbers_counts(client, tree):
    """Issue 23 §8: "The unit tree's heading says “147 đơn vị trực thuộc” above a table of 5
    rows (say what each number counts)"."""
    from units.models import Unit

    client.force_login(tree.hanoi_officer)
    body = client.get("/units/", {"unit": tree.hanoi.pk}).content.decode()
    heading = re.search(r'<span id="tree-totals">([^<]+)</span>', body).group(1)
    table = body[body.index('id="children"') :]
    rows = table[table.index("<tbody>") : table.index("</tbody>")].count("<tr>")
    below = Unit.objects.filter(code__startswith="HN-").count()
    assert rows == 2 and below > rows  # Mê Linh and Đông Anh, and the unions below them
    assert heading.startswith(f"Toàn bộ cấp dưới: {below} đơn vị, trong đó {rows} đơn vị")
    assert "trực thuộc trực tiếp (các dòng dưới đây)" in heading
