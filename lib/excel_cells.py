"""What a workbook's cells hold that the reader (python-calamine) does not tell: error values
(#N/A, #REF!, #DIV/0!…), formulas saved without a computed value, and numbers whose format
shows leading zeros (a citizen ID 001080000001 typed as a number in a column formatted
000000000000). Calamine gives an empty cell for the first two and the bare number for the
third; `zip_marks` (.xlsx, .xlsm, .ods) and `xls_marks` (.xls) find them in the file itself,
so that lib.spreadsheets reads each as Excel shows it or reports it, never as a blank.

They look only for what matters, cheaply: the .xlsx sheet's XML is streamed in chunks and
searched with regular expressions starting with a literal (no XML parser: no entity can
expand; a sheet of 100,000 rows is searched in well under a second, and a hostile one in
time linear in its size); the .xls sheet's records are walked once; an .ods table is walked
only when it holds an error or a formula without a value. Anything they cannot make sense
of gives no mark (the cell reads as calamine gives it): they run in the reader's limited
process (lib.sandbox) and never raise for a strange file. Leading zeros are read from
.xlsx and .xls formats, not from .ods styles (such a citizen ID is reported as one that
lost its zeros).

A mark is keyed by (row, column), both 0-based from the sheet's top-left cell A1:
  ("error", "#N/A")           an error value, as Excel shows it
  ("formula", "")             a formula saved without its computed value
  ("text", "001080000001")    a number as its format shows it"""

import heapq
import html
import io
import posixpath
import re
import struct
import zipfile

ERROR = "error"
FORMULA = "formula"
TEXT = "text"

PART_LIMIT = 64 * 1024 * 1024  # a workbook's, rels' or styles' part larger than this: no marks
CHUNK = 4 * 1024 * 1024

_ATTRS = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _attrs(tag: bytes) -> dict[str, str]:
    """A tag's attributes, by name as written ("r", "t", "r:id")."""
    return {k.decode(): html.unescape(v.decode("utf-8", "replace")) for k, v in _ATTRS.findall(tag)}


# -- .xlsx -------------------------------------------------------------------------------------


def _read_part(book: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = book.getinfo(name)
    except KeyError:
        return None
    if info.file_size > PART_LIMIT:
        return None
    with book.open(info) as handle:
        return handle.read(PART_LIMIT + 1)[:PART_LIMIT]


def _relationships(book: zipfile.ZipFile, part: str) -> dict[str, str]:
    """The targets of a part's relationships by id, as paths inside the package."""
    folder, name = posixpath.split(part)
    data = _read_part(book, posixpath.join(folder, "_rels", name + ".rels")) or b""
    found = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", data):
        attrs = _attrs(tag)
        target = attrs.get("Target", "")
        if not target or attrs.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[attrs.get("Id", "")] = posixpath.normpath(path)
        found["type:" + attrs.get("Type", "").rsplit("/", 1)[-1]] = posixpath.normpath(path)
    return found


def _sheet_part(book: zipfile.ZipFile, sheet_name: str) -> tuple[str, str] | None:
    """The worksheet part of a named sheet, and the workbook part."""
    workbook = _relationships(book, "").get("type:officeDocument", "xl/workbook.xml")
    data = _read_part(book, workbook) or b""
    rels = _relationships(book, workbook)
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", data):
        attrs = _attrs(tag)
        rel = next((v for k, v in attrs.items() if k.endswith(":id")), "")
        if attrs.get("name") == sheet_name and rel in rels:
            return rels[rel], workbook
    return None


def padded_width(code: str) -> int:
    """How many digits a number format pads a whole number to ("000000000000": 12), or 0
    when it shows no leading zero. Only formats made of '0' and '#' count (their first
    section): a date, a decimal, a text or a format with words is read as calamine reads it."""
    first = code.split(";", 1)[0].strip()
    if not first or not re.fullmatch(r"[0#]+", first) or "0" not in first[:-1]:
        return 0
    return first.count("0")


def _padded_styles(book: zipfile.ZipFile, workbook: str) -> dict[int, int]:
    """The cell styles (by index) whose number format pads with zeros, and to how many."""
    styles = _relationships(book, workbook).get("type:styles")
    data = _read_part(book, styles) if styles else None
    if not data:
        return {}
    widths = {}
    for tag in re.findall(rb"<(?:\w+:)?numFmt\b[^>]*>", data):
        attrs = _attrs(tag)
        width = padded_width(attrs.get("formatCode", ""))
        if width and attrs.get("numFmtId", "").isdigit():
            widths[int(attrs["numFmtId"])] = width
    if not widths:
        return {}
    block = re.search(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", data, re.S)
    padded = {}
    for index, tag in enumerate(
        re.findall(rb"<(?:\w+:)?xf\b[^>]*>", block.group(0) if block else b"")
    ):
        number_format = _attrs(tag).get("numFmtId", "0")
        if number_format.isdigit() and int(number_format) in widths:
            padded[index] = widths[int(number_format)]
    return padded


_R = re.compile(rb'\br="\$?([A-Za-z]{1,3})\$?([0-9]{1,7})"')
_T = re.compile(rb'\bt="([A-Za-z]+)"')
_S = re.compile(rb'\bs="([0-9]+)"')
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")


class _Cells:
    """The searches over one sheet's XML, its elements named with the prefix it uses ("x:"
    in files of the .NET SDK, none from Excel). Each search starts with a literal, so it
    runs at the speed of a byte search over the 50 MB of a 100,000-row sheet."""

    def __init__(self, prefix: bytes, padded: dict[int, int]):
        p = re.escape(prefix)
        no_value = rb"(?!\s*<" + p + rb"v(?:\s[^>]*)?>[^<])"
        self.padded = padded
        self.cell = b"<" + prefix + b"c "
        self.cell_end = b"</" + prefix + b"c>"
        # The end of a formula not followed by a value with something in it: a formula
        # saved without its result, or whose result is an empty text (told apart in
        # `mark`). A formula followed by its value, as Excel saves every one, is not looked at.
        self.formulas = [
            re.compile(b"</" + p + b"f>" + no_value),
            re.compile(b"<" + p + rb"f\s[^>]*/>" + no_value),
        ]
        self.formula = re.compile(b"<" + p + rb"f[\s>/]")
        self.value = re.compile(b"<" + p + rb"v(?:\s[^>]*)?(?:/>|>([^<]*)</)")

    def hits(self, block: bytes):
        """Positions inside the cells worth a look, in order: error values, formulas without
        a value, numbers in a style that pads them."""
        found = [(m.start() for m in rx.finditer(block)) for rx in self.formulas]
        found.append(m.start() for m in re.finditer(rb'\bt="e"', block))
        if self.padded:
            found.append(m.start() for m in _S.finditer(block) if int(m.group(1)) in self.padded)
        return heapq.merge(*found)

    def scan(self, block: bytes, marks: dict) -> None:
        """The marks of the whole cells of a block of the sheet's XML. One pass: each search
        starts where the last cell looked at ended, so a block made of formula tags and no
        cell around them costs its length, not its length squared."""
        floor = 0
        for position in self.hits(block):
            if position < floor:
                continue  # inside the cell just looked at
            start = block.rfind(self.cell, floor, position)
            if start < 0:
                floor = position + 1
                continue
            tag_end = block.find(b">", start)
            end = block.find(self.cell_end, tag_end) if tag_end >= 0 else -1
            if end < 0:
                return  # the rest is not a whole cell
            floor = end + len(self.cell_end)
            tag = block[start : tag_end + 1]
            if not tag.endswith(b"/>"):
                self.mark(tag, block[tag_end + 1 : end], marks)

    def mark(self, tag: bytes, content: bytes, marks: dict) -> None:
        ref = _R.search(tag)
        if ref is None:
            return
        column = 0
        for letter in ref.group(1).upper():
            column = column * 26 + letter - 64
        where = (int(ref.group(2)) - 1, column - 1)
        kind = _T.search(tag)
        kind = kind.group(1) if kind else b"n"
        value = self.value.search(content)
        shown = (value.group(1) or b"") if value else b""
        if kind == b"e":
            text = html.unescape(shown.decode("utf-8", "replace")).strip()
            marks[where] = (ERROR, text or "#N/A")
        elif self.formula.search(content):
            # A formula's text result, even an empty one, is typed "str"; an empty value of
            # another type is no value (what other programs save: Excel computes on opening).
            if value is None or (shown == b"" and kind not in (b"str", b"inlineStr")):
                marks[where] = (FORMULA, "")
        elif kind == b"n" and shown:
            style = _S.search(tag)
            width = self.padded.get(int(style.group(1))) if style else 0
            try:
                number = float(shown)
            except ValueError:
                return
            if width and number.is_integer() and 0 <= number < 10**15:
                marks[where] = (TEXT, f"{int(number):0{width}d}")


def xlsx_marks(data: bytes, sheet_name: str) -> dict[tuple[int, int], tuple[str, str]]:
    """The marks of a sheet of an .xlsx / .xlsm workbook (see the module's docstring)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        found = _sheet_part(book, sheet_name)
        if found is None:
            return {}
        part, workbook = found
        padded = _padded_styles(book, workbook)
        marks: dict = {}
        cells = None
        with book.open(part) as handle:
            rest = b""
            while chunk := handle.read(CHUNK):
                block = rest + chunk
                if cells is None:
                    opening = _SHEET_DATA.search(block)
                    if opening is None and len(block) <= 8 * CHUNK:
                        rest = block
                        continue
                    cells = _Cells(opening.group(1) or b"" if opening else b"", padded)
                # Up to the last whole cell: a cell is never cut between two blocks.
                end = block.rfind(cells.cell_end)
                if end < 0:
                    rest = block if len(block) <= 8 * CHUNK else b""  # no cell: nothing to mark
                    continue
                end += len(cells.cell_end)
                cells.scan(block[:end], marks)
                rest = block[end:]
            if cells is not None:
                cells.scan(rest, marks)
        return marks
    except MemoryError:
        raise  # over the reader's limit: the file is refused as too large
    except Exception:  # a part zipfile or zlib cannot read (calamine could): no marks
        return {}


# -- .ods ---------------------------------------------------------------------------------------

# LibreOffice marks an error result (calcext:value-type="error", its text "#N/A", "Err:502");
# a formula saved without a value has no office:value-type.
_ODS_ERROR = b'calcext:value-type="error"'
_ODS_FORMULA = b"table:formula="
_ODS_ROW = re.compile(rb"<(/?)table:(table-row|table)(?=[\s/>])([^>]*?)(/?)>")
_ODS_CELL = re.compile(rb"<table:(table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_ROWS = re.compile(rb'table:number-rows-repeated="([0-9]+)"')
_ODS_COLUMNS = re.compile(rb'table:number-columns-repeated="([0-9]+)"')
_ODS_TEXT = re.compile(rb"<text:p\b[^>]*>([^<]*)<")
ODS_REPEAT_MARKED = 1_000  # a cell repeated over rows and columns marks this many at most


def _ods_suspect(block: bytes, start: int = 0, end: int | None = None) -> bool:
    """Whether the span holds an error result or a formula without a value."""
    end = len(block) if end is None else end
    if block.find(_ODS_ERROR, start, end) >= 0:
        return True
    at = block.find(_ODS_FORMULA, start, end)
    while at >= 0:
        tag = block[block.rfind(b"<", start, at) : block.find(b">", at)]
        if b"office:value-type" not in tag:
            return True
        at = block.find(_ODS_FORMULA, at + len(_ODS_FORMULA), end)
    return False


def _ods_has_suspects(book: zipfile.ZipFile) -> bool:
    with book.open("content.xml") as handle:
        rest = b""
        while chunk := handle.read(CHUNK):
            block = rest + chunk
            cut = block.rfind(b">") + 1
            if _ods_suspect(block, 0, cut):
                return True
            rest = block[cut:][-8 * CHUNK :]
    return False


class _OdsWalk:
    """Where each cell of one table is, as calamine counts them: rows and cells with their
    repeats. Only a row holding a suspect has its cells counted; the others add their rows."""

    def __init__(self, sheet_name: str):
        self.name = sheet_name
        self.inside = False
        self.done = False
        self.row = 0
        self.rows = 1
        self.row_start = 0

    def token(self, block: bytes, match: re.Match, marks: dict) -> None:
        closing, kind, attrs, empty = match.groups()
        if kind == b"table":
            if closing and self.inside:
                self.done = True
            elif not closing:
                name = _ODS_NAME.search(attrs)
                self.inside = bool(name) and html.unescape(name.group(1).decode()) == self.name
            return
        if not self.inside:
            return
        if not closing:
            repeat = _ODS_ROWS.search(attrs)
            self.rows, self.row_start = int(repeat.group(1)) if repeat else 1, match.end()
            if not empty:
                return
        elif _ods_suspect(block, self.row_start, match.start()):
            self.cells(block, self.row_start, match.start(), marks)
        self.row += self.rows

    def cells(self, block: bytes, start: int, end: int, marks: dict) -> None:
        column = 0
        for match in _ODS_CELL.finditer(block, start, end):
            kind, attrs, empty = match.groups()
            repeat = _ODS_COLUMNS.search(attrs)
            count = int(repeat.group(1)) if repeat else 1
            mark = None
            if kind == b"table-cell" and _ODS_ERROR in attrs:
                text = None if empty else _ODS_TEXT.match(block, match.end())
                shown = html.unescape(text.group(1).decode("utf-8", "replace")) if text else ""
                mark = (ERROR, shown.strip() or "#N/A")
            elif kind == b"table-cell" and _ODS_FORMULA in attrs:
                mark = None if b"office:value-type" in attrs else (FORMULA, "")
            if mark:
                rows = min(self.rows, ODS_REPEAT_MARKED)
                columns = min(count, max(1, ODS_REPEAT_MARKED // rows))
                for r in range(self.row, self.row + rows):
                    for c in range(column, column + columns):
                        marks[(r, c)] = mark
            column += count


def ods_marks(data: bytes, sheet_name: str) -> dict[tuple[int, int], tuple[str, str]]:
    """The marks of a sheet of an OpenDocument spreadsheet (LibreOffice): error values and
    formulas saved without a value. The table is walked only when the file has such a cell
    at all."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        if not _ods_has_suspects(book):
            return {}
        walk = _OdsWalk(sheet_name)
        marks: dict = {}
        with book.open("content.xml") as handle:
            rest = b""
            while (chunk := handle.read(CHUNK)) and not walk.done:
                block = rest + chunk
                # Up to the end of the last row: a row's cells are never cut apart.
                end = block.rfind(b"</table:table-row>")
                if end < 0:
                    rest = block if len(block) <= 8 * CHUNK else b""
                    continue
                end += len(b"</table:table-row>")
                for match in _ODS_ROW.finditer(block, 0, end):
                    walk.token(block, match, marks)
                    if walk.done:
                        break
                rest = block[end:]
            if not walk.done:
                for match in _ODS_ROW.finditer(rest):
                    walk.token(rest, match, marks)
        return marks
    except MemoryError:
        raise
    except Exception:  # a part zipfile or zlib cannot read (calamine could): no marks
        return {}


def zip_marks(data: bytes, sheet_name: str) -> dict[tuple[int, int], tuple[str, str]]:
    """The marks of a sheet of a zipped workbook: .xlsx / .xlsm, or .ods."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except Exception:
        return {}
    if "content.xml" in names and "[Content_Types].xml" not in names:
        return ods_marks(data, sheet_name)
    return xlsx_marks(data, sheet_name)


# -- .xls (BIFF8) --------------------------------------------------------------------------------

BIFF_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}
BOF, EOF, BOUNDSHEET, FORMAT, XF = 0x0809, 0x000A, 0x0085, 0x041E, 0x00E0
FORMULA_RECORD, BOOLERR, NUMBER, RK, MULRK = 0x0006, 0x0205, 0x0203, 0x027E, 0x00BD


def _records(stream: bytes, offset: int = 0):
    """(type, data) of each record from `offset` on."""
    end = len(stream)
    while offset + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, offset)
        yield kind, stream[offset + 4 : offset + 4 + size]
        offset += 4 + size


def _biff_text(data: bytes, at: int, length_bytes: int) -> str:
    """A BIFF8 unicode string (its length on 1 or 2 bytes, then a flags byte)."""
    length = data[at] if length_bytes == 1 else struct.unpack_from("<H", data, at)[0]
    flags = data[at + length_bytes]
    chars = data[at + length_bytes + 1 :]
    if flags & 0x01:
        return chars[: 2 * length].decode("utf-16-le", "replace")
    return chars[:length].decode("latin-1")


def _rk(value: int) -> float:
    number = (
        float(value >> 2 if not value & 0x80000000 else (value >> 2) - (1 << 30))
        if value & 0x02
        else struct.unpack("<d", struct.pack("<Q", (value & 0xFFFFFFFC) << 32))[0]
    )
    return number / 100 if value & 0x01 else number


def _workbook_globals(stream: bytes) -> tuple[dict[str, int], dict[int, int]]:
    """Each sheet's offset by name, and the padding of each cell style (XF) that pads."""
    sheets, formats, xf_formats = {}, {}, []
    for kind, data in _records(stream):
        if kind == BOUNDSHEET and len(data) >= 8:
            sheets[_biff_text(data, 6, 1)] = struct.unpack_from("<I", data)[0]
        elif kind == FORMAT and len(data) >= 5:
            formats[struct.unpack_from("<H", data)[0]] = padded_width(_biff_text(data, 2, 2))
        elif kind == XF and len(data) >= 4:
            xf_formats.append(struct.unpack_from("<H", data, 2)[0])
        elif kind == EOF:
            break
    padded = {i: formats[f] for i, f in enumerate(xf_formats) if formats.get(f)}
    return sheets, padded


def _number_mark(number: float, width: int):
    if width and number.is_integer() and 0 <= number < 10**15:
        return (TEXT, f"{int(number):0{width}d}")
    return None


def _xls_cell(kind: int, data: bytes, padded: dict[int, int], marks: dict) -> None:
    if kind == FORMULA_RECORD and len(data) >= 14:
        row, column = struct.unpack_from("<HH", data)
        if data[12:14] == b"\xff\xff" and data[6] == 2:
            marks[(row, column)] = (ERROR, BIFF_ERRORS.get(data[8], "#N/A"))
    elif kind == BOOLERR and len(data) >= 8:
        row, column = struct.unpack_from("<HH", data)
        if data[7] == 1:
            marks[(row, column)] = (ERROR, BIFF_ERRORS.get(data[6], "#N/A"))
    elif padded and kind in (NUMBER, RK) and len(data) >= 10:
        row, column, xf = struct.unpack_from("<HHH", data)
        if xf in padded:
            number = (
                struct.unpack_from("<d", data, 6)[0]
                if kind == NUMBER
                else _rk(struct.unpack_from("<I", data, 6)[0])
            )
            mark = _number_mark(number, padded[xf])
            if mark:
                marks[(row, column)] = mark
    elif padded and kind == MULRK and len(data) >= 12:
        row, first = struct.unpack_from("<HH", data)
        count = (len(data) - 6) // 6
        for i, (xf, value) in enumerate(struct.iter_unpack("<HI", data[4 : 4 + 6 * count])):
            if xf in padded:
                mark = _number_mark(_rk(value), padded[xf])
                if mark:
                    marks[(row, first + i)] = mark


_HEAD = struct.Struct("<HH")
_XF = struct.Struct("<H")


def _sheet_marks(stream: bytes, offset: int, padded: dict[int, int]) -> dict:
    """The marks of the sheet whose records start at `offset`: a walk over a million cell
    records, so only the few kinds that can hold a mark are cut out and looked at."""
    wanted = {FORMULA_RECORD, BOOLERR} | ({NUMBER, RK, MULRK} if padded else set())
    marks: dict = {}
    end = len(stream)
    head = _HEAD.unpack_from
    xf_of = _XF.unpack_from
    while offset + 4 <= end:
        kind, size = head(stream, offset)
        if kind == EOF:
            break
        if kind in wanted and (
            # A number is cut out only when its style pads it.
            kind not in (NUMBER, RK) or (size >= 6 and xf_of(stream, offset + 8)[0] in padded)
        ):
            _xls_cell(kind, stream[offset + 4 : offset + 4 + size], padded, marks)
        offset += 4 + size
    return marks


def xls_marks(data: bytes, sheet_name: str) -> dict[tuple[int, int], tuple[str, str]]:
    """The marks of a sheet of an Excel 97-2003 workbook (see the module's docstring)."""
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                return {}
            stream = ole.openstream(name).read()
        sheets, padded = _workbook_globals(stream)
        offset = sheets.get(sheet_name)
        if offset is None:
            return {}
        return _sheet_marks(stream, offset, padded)
    except MemoryError:
        raise
    except Exception:  # olefile's and struct's many refusals of a broken file: no marks
        return {}
