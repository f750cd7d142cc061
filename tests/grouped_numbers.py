"""Finding years and ids written with a thousands separator ("00001/2.026", href=".../1.234/")
in what the system hands out: HTML pages, XLSX, DOCX, PDF, CSV and ZIP files (issue 23).

Vietnamese groups thousands with "." (USE_THOUSAND_SEPARATOR): a quantity reads "1.234 người",
as it should, but a year or an id rendered through the same localisation reads "2.026" or
"1.234". Every rule below names a context in which a grouped number can only be such a
defect; a grouped number anywhere else (a count, a sum of money) is left alone. What each
rule finds, and what it leaves, is listed in tests/test_no_grouped_years_or_ids.py.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser

# A number grouped by "." in threes: not a part of a longer number or of a decimal, and not
# starting with 0 (0.125 is a decimal written the English way, not a grouped number).
GROUPED = r"(?<![\d.,])[1-9]\d{0,2}(?:\.\d{3})+(?![\d]|[.,]\d)"
# A year 1900–2199 so grouped: "2.026". Member bands such as 1.000–2.499 are not years.
YEAR = r"(?<![\d.,])(?:1\.9\d\d|2\.[01]\d\d)(?![\d]|[.,]\d)"
_GAP = r"[^\S\n]*"  # spaces within one line: a label and its value are on the same line
_YEAR_WORDS = r"(?:[Nn]ăm|NĂM|[Yy]ear|YEAR|[Nn]hiệm kỳ|NHIỆM KỲ|[Gg]iai đoạn|[Kk]hóa|[Kk]hoá)"
_ID_WORDS = (
    r"(?:[Mm]ã(?: số)?|MÃ|ID|CCCD|CMND|[Ss]ố (?:hiệu|CCCD|CMND|định danh|giấy chứng nhận"
    r"|GCN|chứng nhận|quyết định)|[Cc]ode|No\.)"
)

TEXT_RULES = {
    # "Năm 2.026", "năm: 2.026", "giai đoạn 2.021", "Year 2.026"
    "year after a year word": re.compile(rf"\b{_YEAR_WORDS}{_GAP}[:.]?{_GAP}(?P<n>{YEAR})"),
    # "00001/2.026" (a certificate's number), "31/12/2.026", "12/2.026", ".../verify/…/2.026"
    "year after a slash": re.compile(rf"(?<=/)(?P<n>{YEAR})"),
    # "2.026-01-31"
    "year in an ISO date": re.compile(rf"(?P<n>{YEAR})-\d{{1,2}}-\d{{1,2}}\b"),
    # "2.021–2.025", "2.021 - 2.025"
    "range of years": re.compile(rf"(?P<n>{YEAR}){_GAP}[-–—]{_GAP}{YEAR}"),
    # "Mã 1.234", "CCCD: 1.234", "Số hiệu 1.234", "ID 1.234", "#1.234"
    "id after an id word": re.compile(rf"(?:\b{_ID_WORDS}|#){_GAP}[:.#]?{_GAP}(?P<n>{GROUPED})"),
    # "Số: 1.234/QĐ" — the number of a document, "Số" opening its line
    "number after Số opening a line": re.compile(
        rf"(?:^|(?<=[\n(;]))[^\S\n]*(?:Số|SỐ){_GAP}:?{_GAP}(?P<n>{GROUPED})", re.MULTILINE
    ),
}

# A column header or a row label naming a year or an id: the cells under it (or beside it)
# holding a grouped number are defects. "Năm 2025" heads a year's figures, not a year.
LABEL = re.compile(
    r"^\s*(?:Năm|NĂM|Year|Mã|MÃ|Code|ID|CCCD|CMND|Số|SỐ|Nhiệm kỳ|Số (?:hiệu|CCCD|CMND|định danh"
    r"|giấy chứng nhận|GCN|chứng nhận|quyết định))(?![\w\d]|\s+\d)"
)
# ... but "Số" heads a number only on its own ("Số lớp", the number of classes, is a count).
_COUNT_LABEL = re.compile(r"^\s*(?:Số|SỐ)\s+(?!hiệu|CCCD|CMND|định danh|giấy|GCN|chứng|quyết)")
WHOLE_GROUPED = re.compile(rf"^\s*{GROUPED}\s*$")
# Attributes a program reads (links, form values, ids, data for scripts): nothing in them is
# ever grouped. Text for people (title, aria-label, alt, placeholder) goes by the text rules.
MACHINE_ATTRIBUTES = re.compile(
    r"^(?:href|src|action|formaction|value|id|for|name|min|max|step|datetime|content"
    r"|aria-valuenow|aria-valuemin|aria-valuemax|aria-controls|list|form|data-.*|hx-.*)$"
)
HUMAN_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder"}


@dataclass(frozen=True)
class Hit:
    where: str  # the URL or file, and the place in it
    rule: str
    snippet: str

    def __str__(self) -> str:
        return f"{self.where}: {self.rule}: …{self.snippet}…"


def _snippet(text: str, start: int, end: int, width: int = 40) -> str:
    return " ".join(text[max(0, start - width) : end + width].split())


# Nothing can be a hit without a grouped number in it: most texts are passed over at once.
_CANDIDATE = re.compile(r"\d\.\d{3}")


def text_hits(text: str, where: str = "") -> list[Hit]:
    """Grouped years and ids in running text (lines kept: a label and its number share one)."""
    if not _CANDIDATE.search(text):
        return []
    hits = []
    for rule, pattern in TEXT_RULES.items():
        for match in pattern.finditer(text):
            start, end = match.span("n")
            hits.append(Hit(where, rule, _snippet(text, start, end)))
    return hits


def is_label(header) -> bool:
    return isinstance(header, str) and bool(LABEL.match(header)) and not _COUNT_LABEL.match(header)


def table_hits(rows: list[list[str]], heads: set[tuple[int, int]], where: str = "") -> list[Hit]:
    """Cells that are nothing but a grouped number under a year or id header — the nearest
    heading cell above in their column — or right of a heading cell labelling a year or an
    id. `rows` are the cells' texts as shown, `heads` the (row, column) of the heading cells
    (header rows, row labels)."""
    hits = []
    above: dict[int, str] = {}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if (r, c) in heads:
                above[c] = cell
                continue
            if not cell or not WHOLE_GROUPED.match(cell):
                continue
            place = f"{where} {_column(c)}{r + 1}"
            label, beside = above.get(c, ""), row[c - 1] if (r, c - 1) in heads else ""
            if is_label(label):
                hits.append(Hit(place, f"under the header “{label.strip()}”", cell.strip()))
            elif is_label(beside):
                hits.append(Hit(place, f"beside the label “{beside.strip()}”", cell.strip()))
    return hits


def cells_hits(rows: list[list[str]], where: str = "") -> list[Hit]:
    """The text rules on every cell."""
    return [
        hit
        for r, row in enumerate(rows)
        for c, cell in enumerate(row)
        for hit in text_hits(cell, f"{where} {_column(c)}{r + 1}")
    ]


def _column(index: int) -> str:
    """A column's letters, as a spreadsheet names it (0: A, 26: AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


# --- HTML ---------------------------------------------------------------------------------

BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "button", "caption", "dd", "details",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "label", "legend", "li", "main", "nav", "ol", "option",
    "p", "pre", "section", "select", "summary", "table", "tbody", "td", "textarea", "tfoot",
    "th", "thead", "tr", "ul",
}  # fmt: skip
# An input a person types text into: its value is text (a class's name "… 2.500 đoàn viên", a
# sum of money typed the Vietnamese way), unless its name says it holds a year, an id, a code
# or a page number.
TEXT_INPUTS = {"text", "search", "tel", "email", "url"}
NAMES_A_NUMBER = re.compile(r"year|(?:^|_)(?:id|pk|code|page|number)$|citizen", re.I)


class _Page(HTMLParser):
    """An HTML page's text (a line per block), its elements' attributes, and its tables and
    description lists as rows of cell texts with their heading cells (th, dt)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.tables: list[tuple[list[list[str]], set[tuple[int, int]]]] = []
        self._open: list[dict] = []  # the tables and description lists being read
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if attrs:
            self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag in BLOCKS:
            self.text.append("\n")
        if tag in ("table", "dl"):
            self._open.append({"kind": tag, "rows": [], "heads": set()})
            return
        if not self._open:
            return
        table = self._open[-1]
        if (
            tag == "tr"
            or (tag == "dt" and table["kind"] == "dl")
            or (tag in ("td", "th", "dd") and not table["rows"])
        ):
            table["rows"].append([])
        if tag in ("td", "th", "dt", "dd"):
            row = table["rows"][-1]
            span = int(dict(attrs).get("colspan") or 1)
            row.extend([""] * (span - 1))  # a spanned heading heads its last column
            if tag in ("th", "dt"):
                table["heads"].add((len(table["rows"]) - 1, len(row)))
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        if tag in BLOCKS:
            self.text.append("\n")
        if self._open and tag in ("td", "th", "dt", "dd") and self._cell is not None:
            self._open[-1]["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif self._open and tag == self._open[-1]["kind"]:
            table = self._open.pop()
            self.tables.append((table["rows"], table["heads"]))

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _typed_text(tag: str, attrs: dict[str, str]) -> bool:
    return (
        tag == "input"
        and attrs.get("type", "text") in TEXT_INPUTS
        and not NAMES_A_NUMBER.search(attrs.get("name", ""))
    )


def html_hits(html: str, where: str = "") -> list[Hit]:
    page = _Page()
    page.feed(html)
    page.close()
    hits = text_hits("".join(page.text), where)
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            if name in HUMAN_ATTRIBUTES or (name == "value" and _typed_text(tag, attrs)):
                hits += text_hits(value, f"{where} <{tag} {name}>")
            elif MACHINE_ATTRIBUTES.match(name) and _CANDIDATE.search(value):
                hits += [
                    Hit(where, f"in <{tag} {name}>", _snippet(value, *match.span(), width=60))
                    for match in re.finditer(GROUPED, value)
                ]
    for rows, heads in page.tables:
        hits += table_hits(rows, heads, f"{where} table")
    return hits


# --- files --------------------------------------------------------------------------------


def _shown(value, number_format: str) -> str:
    """A cell as a spreadsheet shows it in Vietnamese: a number formatted with "#,##0" or
    "#,##0.0" grouped by ".", any other number as written."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return ""  # blanks, dates
    if isinstance(value, str):
        return value
    whole = float(value).is_integer()
    if "#,##" in (number_format or "") and abs(value) >= 1000:
        text = f"{value:,.0f}" if whole and ".0" not in number_format else f"{value:,.1f}"
        return text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(int(value)) if whole else str(value)


def xlsx_hits(data: bytes, where: str = "") -> list[Hit]:
    """Each sheet's cells as shown; a column's header is the nearest bold text above (every
    text when a sheet has no bold cell)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    hits = []
    for sheet in book.worksheets:
        rows, bold = [], set()
        for r, row in enumerate(sheet.iter_rows()):
            rows.append([_shown(cell.value, getattr(cell, "number_format", "")) for cell in row])
            bold |= {
                (r, c)
                for c, cell in enumerate(row)
                if isinstance(cell.value, str) and cell.font is not None and cell.font.b
            }
        heads = bold or {
            (r, c)
            for r, row in enumerate(rows)
            for c, v in enumerate(row)
            if v and not WHOLE_GROUPED.match(v)
        }
        place = f"{where} [{sheet.title}]"
        hits += text_hits(sheet.title, f"{place} name")
        hits += cells_hits(rows, place) + table_hits(rows, heads, place)
    book.close()
    return hits


def docx_hits(data: bytes, where: str = "") -> list[Hit]:
    """Paragraphs (headers and footers too) and tables, a table's first row and first column
    heading it."""
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [document]
    for section in document.sections:
        parts += [section.header, section.footer, section.first_page_header]
    hits = []
    for part in parts:
        hits += text_hits("\n".join(p.text for p in part.paragraphs), where)
        for number, grid in enumerate(part.tables, start=1):
            rows = [[cell.text for cell in row.cells] for row in grid.rows]
            heads = {
                (r, c)
                for r, row in enumerate(rows)
                for c, text in enumerate(row)
                if r == 0 or c == 0 and not WHOLE_GROUPED.match(text)
            }
            place = f"{where} table {number}"
            hits += cells_hits(rows, place) + table_hits(rows, heads, place)
    return hits


def pdf_hits(data: bytes, where: str = "") -> list[Hit]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    hits = []
    for number, page in enumerate(document, start=1):
        text = page.get_textpage().get_text_range()
        hits += text_hits(text.replace("\r\n", "\n"), f"{where} page {number}")
    document.close()
    return hits


def csv_hits(data: bytes, where: str = "") -> list[Hit]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    heads = {(0, c) for c in range(len(rows[0]))} if rows else set()
    return cells_hits(rows, where) + table_hits(rows, heads, where)


def zip_hits(data: bytes, where: str = "") -> list[Hit]:
    hits = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            hits += file_hits(name, archive.read(name), f"{where}!{name}")
    return hits


def file_hits(name: str, data: bytes, where: str = "") -> list[Hit]:
    """A file by its name's extension; files of no kind read here are skipped."""
    readers = {
        ".xlsx": xlsx_hits,
        ".docx": docx_hits,
        ".pdf": pdf_hits,
        ".csv": csv_hits,
        ".zip": zip_hits,
        ".html": lambda d, w: html_hits(d.decode("utf-8"), w),
        ".txt": lambda d, w: text_hits(d.decode("utf-8"), w),
    }
    for extension, read in readers.items():
        if name.lower().endswith(extension):
            return read(data, where)
    return []


CONTENT_TYPES = {
    "text/html": ".html",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/pdf": ".pdf",
    "text/csv": ".csv",
    "application/zip": ".zip",
}


def kind_of(response) -> str:
    """The file extension a response's content type stands for ("" when not read here)."""
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return CONTENT_TYPES.get(content_type, "")


def response_hits(response, where: str) -> list[Hit]:
    """What a test client's response shows, read by its content type."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return file_hits("x" + kind_of(response), body, where)
