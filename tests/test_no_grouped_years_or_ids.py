"""No page, export, certificate or report shows a year or an id with a thousands separator
(issue 23: "The number prints the year as "00001/2.026" (and "…/2.020" in the demo): years
and ids must never be localised as numbers anywhere." — "A test that no page, export,
certificate or report shows a year or an id with a thousands separator").

What is read: every page of the smoke test (tests/test_pages_smoke.py) on its data; on the
demo, every page route of the site (bench/routes.py, filled as bench/sweep_bench.py fills it)
as a provincial officer — once with the first object of each kind and once with the last, so
that people, posts and records past the thousandth are shown — then every link with a query
those pages hold (filters, tabs, the "Xuất Excel" and CSV exports, the import templates) and
every GET form sent as the officer would send it, a year typed where one is asked; the
self-service cadre's pages (their data and its export); the pages only a system administrator
opens, Django's admin included; the certificates (one PDF and a whole class's) and every
report, as XLSX and DOCX. The reader is tests/grouped_numbers.py.

A hit — each is a defect:
- a year 1900–2199 grouped ("2.026") after "năm", "Năm", "year", "nhiệm kỳ", "giai đoạn",
  "khóa"; right after a slash ("00001/2.026", "31/12/2.026", "12/2.026", ".../verify/…/2.026");
  in an ISO date ("2.026-01-31"); in a range of years ("2.021–2.025");
- any grouped number after an id word ("Mã 1.234", "CCCD: 1.234", "Số hiệu 1.234",
  "ID 1.234", "#1.234") or after "Số" opening a line ("Số: 1.234/QĐ");
- any grouped number in an attribute a program reads: href, src, action, id, for, name,
  data-*, hx-*, min/max, the value of an option, a button, a hidden, number, checkbox or radio
  input, or of any input named as a year, an id, a code or a page;
- a cell that is only a grouped number under a column headed "Năm", "Mã…", "ID", "CCCD",
  "Số" (alone), "Số hiệu", "Số CCCD", "Số giấy chứng nhận", … or beside such a row label: in
  an HTML table or description list, a DOCX table, a CSV file, or an XLSX sheet, where a
  number shows grouped when its cell's format groups thousands ("#,##0").

Not a hit: counts and money, however labelled ("2.500 đoàn viên", "45.000.000 đồng",
"Số lớp: 1.234", "Tổng số 1.234", "Năm 2025" heading a column of counts, member bands
"1.000–2.499"); a grouped number in text a person reads (the value of a text input, a title
or a label: "Bồi dưỡng chủ tịch CĐCS có từ 2.500 đoàn viên"); decimals written the English way
("0.125"). JSON (the API, json_script) is never localised and is not read.
"""

import html as htmllib
import importlib
import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from lib.dates import today
from reports.models import ReportFormat, ReportKind
from tests import grouped_numbers as grouped
from tests.test_pages_smoke import URLS as SMOKE_URLS
from tests.test_pages_smoke import unit_and_person_pages

# --- the detector on known samples ------------------------------------------------------

BAD_TEXT = {
    "Năm 2.026": "year after a year word",
    "Kế hoạch năm: 2.025": "year after a year word",
    "Giai đoạn 2.021 – 2.025": "year after a year word",
    "Số: 00001/2.026": "year after a slash",
    "Ngày cấp 31/12/2.020": "year after a slash",
    "Tháng 12/2.026": "year after a slash",
    "Xác minh: https://daotao.congdoan.vn/verify/5f0c/2.026": "year after a slash",
    "2.026-01-31": "year in an ISO date",
    "các năm 2.021–2.025": "range of years",
    "Mã 1.234": "id after an id word",
    "CCCD: 1.234": "id after an id word",
    "Số hiệu 12.345": "id after an id word",
    "Số: 1.234/QĐ-LĐLĐ": "number after Số opening a line",
}
BAD_HTML = {
    '<a href="/people/1.234/">An</a>': "in <a href>",
    '<input type="hidden" name="unit" value="1.234">': "in <input value>",
    '<input name="year" value="2.026">': "in <input value>",
    '<option value="1.234">Hà Nội</option>': "in <option value>",
    '<tr data-person="3.627"><td>An</td></tr>': "in <tr data-person>",
    '<img src="/verify/5f0c/2.026/qr.png">': "in <img src>",
    "<table><tr><th>Họ tên</th><th>Năm</th></tr><tr><td>An</td><td>2.026</td></tr></table>": (
        "under the header “Năm”"
    ),
    "<dl><dt>Số giấy chứng nhận</dt><dd>1.234</dd></dl>": "beside the label “Số giấy chứng nhận”",
    "<p>Giấy chứng nhận số 00001/2.026</p>": "year after a slash",
}
GOOD_HTML = [
    "<p>Chủ tịch CĐCS có từ 2.500 đoàn viên trở lên do Tổng Liên đoàn đào tạo.</p>",
    "<p>Dự toán kinh phí: 45.000.000 đồng</p>",
    "<p>Từ 1.000–2.499 đoàn viên: cấp tỉnh.</p>",
    "<p>Số lớp: 1.234 · Tổng số 1.234 người · 1.234 / 2.345 đã được đào tạo</p>",
    "<p>Năm 2026: 1.234 lượt, 12.345 người; năm 2025 có 2.020 người.</p>",
    "<table><tr><th>Đơn vị</th><th>Năm 2025</th><th>Số người</th></tr>"
    "<tr><td>Hà Nội</td><td>2.026</td><td>1.234</td></tr></table>",
    '<input name="budget" value="45.000.000"><input name="name" value="Lớp 2.500 đoàn viên">',
    '<a href="/people/1234/?year=2026&amp;page=2" title="2.500 đoàn viên">1.234 người</a>',
    "<script>const share = 0.125, x = '1.234';</script>",
    "<p>Tỷ lệ 12,5% · 1.234,5 giờ · phiên bản 4.30.0 · 0.125</p>",
]


def rules_of(html: str) -> list[str]:
    return [hit.rule for hit in grouped.html_hits(html)]


def test_the_reader_finds_years_and_ids_written_with_a_thousands_separator():
    for text, rule in BAD_TEXT.items():
        assert rule in [hit.rule for hit in grouped.text_hits(text)], text
        assert rule in rules_of(f"<p>{text}</p>"), text
    for html, rule in BAD_HTML.items():
        assert rule in rules_of(html), html


def test_the_reader_leaves_counts_money_and_text_alone():
    for html in GOOD_HTML:
        assert rules_of(html) == [], html


def test_the_reader_reads_files_as_a_spreadsheet_word_or_a_pdf_viewer_shows_them(tmp_path):
    from docx import Document
    from fpdf import FPDF

    from lib.numbers import Plain
    from lib.xlsx import new_book, write_table
    from training.certificates import FONTS

    book, styles = new_book(tmp_path / "a.xlsx")
    headers = ["Năm", "Số lớp", "Mã đơn vị", "Kinh phí"]
    rows = [
        [2026, 2026, "HN", 45_000_000],
        ["2025", 1234, 1234, 12_000],
        [Plain(2026), 1234, Plain(1234), 12_000],
    ]
    write_table(book, styles, "Lớp", headers, rows, title="Các lớp năm 2026")
    book.close()
    assert [(h.where, h.rule) for h in grouped.xlsx_hits((tmp_path / "a.xlsx").read_bytes())] == [
        (" [Lớp] A4", "under the header “Năm”"),
        (" [Lớp] C5", "under the header “Mã đơn vị”"),
    ]
    document = Document()
    document.add_paragraph("Số: 00001/2.026")
    grid = document.add_table(rows=2, cols=2)
    for cell, text in zip(grid._cells, ["CCCD", "Số người", "1.234", "2.500"], strict=True):
        cell.text = text
    document.save(tmp_path / "a.docx")
    found = grouped.file_hits("a.docx", (tmp_path / "a.docx").read_bytes())
    assert [h.rule for h in found] == ["year after a slash", "under the header “CCCD”"]
    pdf = FPDF(unit="mm")
    pdf.add_font("Serif", "", FONTS / "DejaVuSerif.ttf")
    pdf.add_page()
    pdf.set_font("Serif", size=12)
    pdf.cell(text="Giấy chứng nhận số 00001/2.026 · 2.500 đoàn viên")
    found = grouped.file_hits("a.pdf", bytes(pdf.output()))
    assert [h.rule for h in found] == ["year after a slash"]
    assert grouped.file_hits("a.csv", "Năm,Số người\n2.026,2.500\n".encode()) != []
    assert grouped.file_hits("a.csv", "Năm,Số người\n2026,2.500\n".encode()) == []


# --- rendering --------------------------------------------------------------------------


class Reader:
    """Fetches URLs as one signed-in user and reads each answer; keeps every hit, what it
    fetched and what came back for each kind of file."""

    def __init__(self, client, who: str):
        self.client, self.who = client, who
        self.hits: list[grouped.Hit] = []
        self.seen: set = set()
        self.opened: set = set()  # answered 200
        self.kinds: dict[str, int] = {}

    def read(self, url: str) -> str | None:
        """The page's HTML (None for a file, or an answer other than 200)."""
        if url in self.seen:
            return None
        self.seen.add(url)
        response = self.client.get(url)
        if response.status_code != 200:
            return None
        self.opened.add(url)
        kind = grouped.kind_of(response)
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.hits += grouped.response_hits(response, f"{self.who} {url}")
        return response.content.decode() if kind == ".html" else None

    def read_with_links(self, urls: list[str], shapes: set) -> None:
        """The URLs, then the links with a query and the GET forms of the pages among them,
        one URL of each shape (path and query names: every page of a list is read once)."""
        further = []
        for url in urls:
            page = self.read(url)
            for link in linked(url, page) if page is not None else []:
                if _shape(link) not in shapes:
                    shapes.add(_shape(link))
                    further.append(link)
        for url in further:
            self.read(url)


# Links not to follow: leaving the session, switching language, the admin (read on its own).
NOT_FOLLOWED = ("/logout/", "/i18n/", "/admin/", "/api/")


def linked(url: str, page: str) -> list[str]:
    """The same-site links with a query on the page, and its GET forms as sent with their
    values (a year typed where the form asks for one and holds none)."""
    found = []
    for href in re.findall(r'<a\s[^>]*?href="([^"#]*\?[^"#]*)"', page):
        found.append(urljoin(url, htmllib.unescape(href)))
    for attrs, body in re.findall(r"<form\b([^>]*)>(.*?)</form>", page, flags=re.S):
        if re.search(r'method="post"', attrs, flags=re.I):
            continue
        action = re.search(r'action="([^"]*)"', attrs)
        target = urljoin(url, htmllib.unescape(action.group(1)) if action else url)
        query = form_values(body)
        if query:
            found.append(f"{urlsplit(target).path}?{urlencode(query)}")
    return [u for u in found if urlsplit(u).netloc in ("", "testserver") and not _excluded(u)]


def _excluded(url: str) -> bool:
    return urlsplit(url).path.startswith(NOT_FOLLOWED)


def form_values(body: str) -> list[tuple[str, str]]:
    """What a GET form sends as shown: inputs' values (checked boxes only), each select's
    selected option (else its first); an empty year gets last year."""
    values = []
    for tag in re.findall(r"<input\b[^>]*>", body):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if (
            not name
            or kind in ("submit", "button", "file")
            or (kind in ("checkbox", "radio") and "checked" not in tag)
        ):
            continue
        value = htmllib.unescape(attrs.get("value", ""))
        if "year" in name and not value:
            value = str(today().year - 1)
        values.append((name, value))
    for name, options in re.findall(
        r'<select\b[^>]*name="([^"]*)"[^>]*>(.*?)</select>', body, re.S
    ):
        chosen = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', options) or re.search(
            r'<option[^>]*value="([^"]*)"', options
        )
        if chosen:
            values.append((name, htmllib.unescape(chosen.group(1))))
    return values


def _shape(url: str) -> tuple:
    """A URL's path and the names of its query (with the values of `format` and `kind`, which
    name different files)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    named = tuple(sorted({name for name, _ in query}))
    files = tuple(sorted((n, v) for n, v in query if n in ("format", "kind")))
    return (re.sub(r"/\d+/", "/{}/", parts.path), named, files)


def assert_no_hits(hits: list[grouped.Hit]) -> None:
    """Fails listing every page or file with a hit, a line per page and rule with every
    snippet on it."""
    found: dict[tuple[str, str], list[str]] = {}
    for hit in hits:
        found.setdefault((hit.where, hit.rule), []).append(f"…{hit.snippet}…")
    listing = "\n".join(f"{where}: {rule}: {' | '.join(s)}" for (where, rule), s in found.items())
    if hits:
        print(f"\n{len(hits)} grouped years or ids:\n{listing}")
    assert not hits, f"{len(hits)} grouped years or ids:\n{listing}"


def test_the_smoke_test_pages_show_no_grouped_year_or_id(client, tree):
    client.force_login(tree.hanoi_officer)
    reader = Reader(client, "hanoi")
    reader.read_with_links([*SMOKE_URLS, *unit_and_person_pages(tree)], set())
    assert reader.kinds[".html"] >= len(SMOKE_URLS)
    assert_no_hits(reader.hits)


@pytest.fixture
def sweep(monkeypatch):
    # Importing the benchmark sets DATABASE_URL and MEDIA_ROOT when they are unset; keep this
    # process's as they are (as tests/test_bench_sweep.py does).
    for name in ("DATABASE_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"):
        monkeypatch.setenv(name, os.environ.get(name, "unused"))
    return importlib.import_module("bench.sweep_bench")


def page_urls(sweep, user, *, last: bool = False) -> dict[str, str]:
    """Every page route (not the API) and its URL filled for `user`, with the first object of
    each kind or (`last`) the one with the highest id where some id passes 999."""
    first = sweep.pick

    def pick(model, user, earlier):
        if last and model.objects.filter(pk__gte=1000).exists():
            preferred = sweep.PREFERRED.get(model.__name__, Q())
            chosen = sweep.visible(model, user).filter(preferred).order_by("-pk").first()
            if chosen is not None:
                return chosen
        return first(model, user, earlier)

    urls = {}
    sweep.pick = pick
    try:
        for route in sweep.sweep_routes():
            if route.startswith("api/"):
                continue  # JSON: never localised
            try:
                urls[route] = sweep.route_url(route, user, today().year)
            except sweep.Unfillable:
                continue  # an object the demo has none of (an import, a built report)
    finally:
        sweep.pick = first
    return urls


@pytest.mark.one_database  # the digits the site writes, not the rows found (tests/databases.py)
def test_no_page_or_export_of_the_demo_shows_a_grouped_year_or_id(client, demo_data, sweep):
    shapes: set = set()
    officer = User.objects.get(username="hanoi")
    client.force_login(officer)
    province = Reader(client, "hanoi")
    firsts = page_urls(sweep, officer)
    lasts = page_urls(sweep, officer, last=True)
    assert any(re.search(r"/\d{4,}/", url) for url in lasts.values())  # ids past 999
    province.read_with_links([*firsts.values(), *lasts.values()], shapes)
    # The self-service cadre's pages; the pages the officer may not open, as the
    # administrator, and Django's admin.
    cadre, administrator = (User.objects.get(username=name) for name in ("chutich", "admin"))
    client.force_login(cadre)
    own = Reader(client, "chutich")
    own.read_with_links(list(page_urls(sweep, cadre).values()), shapes)
    client.force_login(administrator)
    system = Reader(client, "admin")
    closed = [
        url
        for route, url in page_urls(sweep, administrator).items()
        if firsts.get(route) not in province.opened
    ]
    system.read_with_links([*closed, *admin_urls()], shapes)
    readers = [province, own, system]
    # What the reading is meant to reach was reached: pages, certificates, exports.
    kinds = {k: sum(r.kinds.get(k, 0) for r in readers) for k in (".html", ".pdf", ".xlsx")}
    assert kinds[".html"] > 150 and kinds[".pdf"] >= 2 and kinds[".xlsx"] >= 20, kinds
    assert province.kinds.get(".csv") and own.kinds.get(".zip"), (province.kinds, own.kinds)
    assert_no_hits([hit for reader in readers for hit in reader.hits])


def admin_urls() -> list[str]:
    """Each model's list in Django's admin, and the page of its last row."""
    urls = []
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        last = model._default_manager.order_by("-pk").first()
        if last is not None:
            urls.append(reverse(f"{name}_change", args=[last.pk]))
    return urls


# --- reports ----------------------------------------------------------------------------


def report_params(kind: str) -> list[dict]:
    from targets.models import SourceDocument

    year, day = today().year - 1, today().isoformat()
    if kind == ReportKind.TRAINING:
        return [{"year": year, "to_year": year, "own": False}, {"year": 2018, "to_year": year}]
    if kind == ReportKind.PLAN:
        return [{"year": today().year}]
    if kind == ReportKind.RESOLUTION:
        return [{"on": day, "document": d.pk} for d in SourceDocument.objects.order_by("pk")]
    return [{"on": day}]


@pytest.mark.one_database
def test_no_report_shows_a_grouped_year_or_id(demo_data, settings, tmp_path):
    from reports.services import report_build
    from units.models import Unit

    settings.MEDIA_ROOT = tmp_path
    unit = Unit.objects.get(code="HN")
    hits = []
    for kind in ReportKind.values:
        for params in report_params(kind):
            for fmt in ReportFormat.values:
                built = report_build(kind=kind, unit=unit, params=params, fmt=fmt)
                hits += grouped.file_hits(built.filename, built.file.read(), built.filename)
    assert_no_hits(hits)


# --- templates ----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", ".tools", ".git", "node_modules", "static", "media", "bench"}
ATTRIBUTE = re.compile(r'\s([\w:-]+)="([^"]*\{\{[^"]*)"')
VARIABLE = re.compile(r"\{\{\s*([^}]+?)\s*\}\}")
# What a variable's name says it holds: an id, a year, a page number.
NAMES_A_NUMBER = re.compile(r"(?:^|[._])(?:pk|id|\w+_id|year|\w+_year|page_number|number)$")
# Strings named like numbers: Django's ids of form fields and widgets.
NAMED_STRINGS = re.compile(r"(?:auto_id|attrs\.id|id_for_label)$")
# Filters that write their value with str(), never localised.
WRITTEN_AS_IS = re.compile(r"\|\s*(?:unlocalize|stringformat|urlencode|iriencode|slugify|date)\b")
LOCALIZE_OFF = re.compile(r"\{% localize off %\}.*?\{% endlocalize %\}", re.S)


def unlocalized_numbers_in_attributes(source: str) -> list[str]:
    """The `{{ … }}` in attributes a program reads whose name says an id, a year or a page
    number, and which nothing keeps from being localised (a pager's `page=`, a link's id: the
    pages render them only past the thousandth, which the test data does not reach)."""
    source = LOCALIZE_OFF.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    found = []
    for attribute in ATTRIBUTE.finditer(source):
        name, value = attribute.groups()
        if not grouped.MACHINE_ATTRIBUTES.match(name):
            continue
        for variable in VARIABLE.finditer(value):
            expression = variable.group(1)
            base = expression.split("|")[0].strip()
            if (
                NAMES_A_NUMBER.search(base)
                and not NAMED_STRINGS.search(base)
                and not WRITTEN_AS_IS.search(expression)
            ):
                line = source[: attribute.start()].count("\n") + 1
                found.append(f'{line}: {name}="…{{{{ {expression} }}}}…"')
    return found


def test_the_scan_of_templates_finds_what_it_looks_for():
    bad = '<a href="?year={{ year }}&page={{ page.next_page_number }}" data-id="{{ c.pk }}">'
    good = (
        '<a href="?year={{ year|unlocalize }}&page={{ page.next_page_number|unlocalize }}"'
        ' id="{{ field.auto_id }}" data-person="{{ e.person_id|stringformat:"d" }}">'
        '{% localize off %}<input value="{{ year }}">{% endlocalize %} {{ c.year }}'
    )
    assert len(unlocalized_numbers_in_attributes(bad)) == 3
    assert unlocalized_numbers_in_attributes(good) == []


def test_templates_write_ids_years_and_page_numbers_in_links_and_values_as_is():
    found = [
        f"{path.relative_to(ROOT)}:{where}"
        for path in sorted(ROOT.rglob("*.html"))
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts)
        for where in unlocalized_numbers_in_attributes(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "\n".join(found)
