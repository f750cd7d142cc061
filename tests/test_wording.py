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
