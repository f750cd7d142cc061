"""Hostile files, built in memory for the fuzzing suite (issue 18's acceptance: "generated and
hand-made spreadsheets (huge dimensions, zip bombs, XML bombs, wrong magic, truncated,
encrypted, HTML as .xls)"), and the ZIP surgery they and the hostile course archives
(tests/fuzz/archives.py) are made with: ZIPs that lie about their sizes, methods, versions
and CRCs, names no ZIP library writes, streams damaged on purpose.

Each builder is small and fast: a few MB at most, most under 100 KB; a bomb is small because
it declares or packs what it would grow to, and is written chunk by chunk. A spreadsheet is
built once per run (`Sheet.data`), whatever number of tests sends it. Nothing here needs the
database."""

import functools
import io
import random
import struct
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import xlsxwriter

from tests.imports.helpers import csv_bytes, encrypted, xls_bytes, xlsx_bytes

MB = 1024 * 1024
PEOPLE_HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Mã đơn vị"]
PEOPLE_ROW = ["Lê Văn Một", "01/01/1980", "Nam", "HN-ML-01"]
# A line of /etc/passwd that no message, note or stored value may ever hold.
PASSWD_MARK = "root:x:0:0"

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def seeded(seed: int, size: int) -> bytes:
    """Random-looking bytes, the same on every run."""
    return random.Random(seed).randbytes(size)


# --- ZIP surgery ----------------------------------------------------------------------------


def zip_of(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP of these entries, in this order (duplicate names allowed: give a list of pairs
    to `zip_of_pairs`)."""
    return zip_of_pairs(list(parts.items()), method)


def zip_of_pairs(pairs: list[tuple], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Entries as (name or ZipInfo, bytes) pairs; the same name twice gives two entries."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": that is the point
        with zipfile.ZipFile(out, "w", method) as archive:
            for name, content in pairs:
                archive.writestr(name, content)
    return out.getvalue()


def entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def rezip(data: bytes, changes: dict, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The ZIP rebuilt with entries changed: name -> new bytes, a function of the old bytes,
    or None (dropped); names not in the ZIP are added at the end."""
    pairs, seen = [], set()
    for info, content in entries(data):
        seen.add(info.filename)
        change = changes.get(info.filename, content)
        if change is None:
            continue
        pairs.append((info.filename, change(content) if callable(change) else change))
    pairs += [
        (name, content)
        for name, content in changes.items()
        if name not in seen and content is not None and not callable(content)
    ]
    return zip_of_pairs(pairs, method)


# Offsets of a ZIP's header fields: (central directory entry, local header), little-endian.
_FIELDS = {
    "flags": (8, 6, "<H"),
    "method": (10, 8, "<H"),
    "crc": (16, 14, "<I"),
    "compressed": (20, 18, "<I"),
    "uncompressed": (24, 22, "<I"),
    "external": (38, None, "<I"),
    "version_needed": (6, 4, "<H"),
}


def _central_offsets(data: bytes) -> list[tuple[int, bytes, int]]:
    """(offset of the central directory entry, raw name, offset of the local header)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        position = archive.start_dir
        count = len(archive.infolist())
    found = []
    for _ in range(count):
        assert data[position : position + 4] == b"PK\x01\x02"
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        local = struct.unpack_from("<I", data, position + 42)[0]
        found.append((position, data[position + 46 : position + 46 + name_length], local))
        position += 46 + name_length + extra_length + comment_length
    return found


def patch_entry(data: bytes, name: str, *, local: bool = True, **values) -> bytes:
    """Overwrite header fields (flags, method, crc, compressed, uncompressed, external) of the
    entries named `name`, in the central directory and (unless local=False) the local
    header: a ZIP that lies about itself."""
    out = bytearray(data)
    for central, raw, local_offset in _central_offsets(data):
        if raw.decode("utf-8", "replace") != name:
            continue
        for key, value in values.items():
            central_at, local_at, fmt = _FIELDS[key]
            struct.pack_into(fmt, out, central + central_at, value)
            if local and local_at is not None:
                struct.pack_into(fmt, out, local_offset + local_at, value)
    return bytes(out)


def data_span(data: bytes, name: str) -> tuple[int, int]:
    """Where the (compressed) bytes of the entry `name` lie in the ZIP."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    return start, start + info.compress_size


def damage_stream(data: bytes, name: str, at: int = 0) -> bytes:
    """The entry's compressed stream with one byte inverted (`at` bytes in: 0 for deflate,
    4 for LZMA, past its header), which its decompressor cannot get past."""
    start, _end = data_span(data, name)
    return data[: start + at] + bytes([data[start + at] ^ 0xFF]) + data[start + at + 1 :]


def rename_raw(data: bytes, placeholder: str, raw: bytes) -> bytes:
    """Entry names no ZIP library writes (a NUL, bytes that are not UTF-8): the entry is
    written under a placeholder of the same length, whose bytes are then replaced."""
    assert len(placeholder.encode()) == len(raw)
    return data.replace(placeholder.encode(), raw)


def streamed_entry(name: str, chunks, *, level: int = 9) -> bytes:
    """A ZIP of one entry written chunk by chunk (a bomb is never held whole in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        with archive.open(zipfile.ZipInfo(name), "w", force_zip64=True) as target:
            for chunk in chunks:
                target.write(chunk)
    return out.getvalue()


def append_streamed(data: bytes, name: str, chunks, *, level: int = 9) -> bytes:
    """The ZIP with one more entry written chunk by chunk."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as target:
            for chunk in chunks:
                target.write(chunk)
    return out.getvalue()


def spaces(total: int, chunk: int = MB):
    for _ in range(total // chunk):
        yield b" " * chunk


# --- spreadsheets: hand-made .xlsx ---------------------------------------------------------

XML_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    XML_HEAD
    + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{OOXML}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OOXML}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OOXML}.sharedStrings+xml"/>'
        "</Types>"
    ).encode()
)
ROOT_RELS = (
    XML_HEAD
    + (
        f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
        f'Type="{OFFICE_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ).encode()
)
WORKBOOK_RELS = (
    XML_HEAD
    + (
        f'<Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{OFFICE_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ).encode()
)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_xml(sheet_name: str = "Danh sách", doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{OFFICE_RELS}"><sheets>'
        f'<sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ).encode()


def inline_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def people_rows_xml(name: str = PEOPLE_ROW[0]) -> str:
    """The header and one person, as inline strings (no shared strings needed)."""
    header = "".join(inline_cell(f"{c}1", v) for c, v in zip("ABCD", PEOPLE_HEADER, strict=True))
    row = [name, *PEOPLE_ROW[1:]]
    person = "".join(inline_cell(f"{c}2", v) for c, v in zip("ABCD", row, strict=True))
    return f'<row r="1">{header}</row><row r="2">{person}</row>'


def sheet_xml(rows: str, *, dimension: str = "A1:D2", after: str = "", doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
        f'<worksheet xmlns="{MAIN_NS}"><dimension ref="{dimension}"/>'
        f"<sheetData>{rows}</sheetData>{after}</worksheet>"
    ).encode()


def shared_strings_xml(
    strings: list[str],
    *,
    doctype: str = "",
    count: int | None = None,
) -> bytes:
    count = len(strings) if count is None else count
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
        f'<sst xmlns="{MAIN_NS}" count="{count}" uniqueCount="{count}">{items}</sst>'
    ).encode()


def xlsx_package(
    sheet: bytes,
    *,
    shared: bytes | None = None,
    workbook: bytes | None = None,
    extra: dict | None = None,
) -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": ROOT_RELS,
            "xl/workbook.xml": workbook or workbook_xml(),
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
            "xl/worksheets/sheet1.xml": sheet,
            "xl/sharedStrings.xml": shared or shared_strings_xml([]),
            **(extra or {}),
        }
    )


def good_xlsx() -> bytes:
    return xlsx_bytes([PEOPLE_HEADER, PEOPLE_ROW])


def far_cell_xlsx() -> bytes:
    """Issue 18, finding 1: a header in A1 and one more cell at XFD1048576."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, PEOPLE_HEADER)
    sheet.write_row(1, 0, PEOPLE_ROW)
    sheet.write(1048575, 16383, "x")
    book.close()
    return buffer.getvalue()


def lying_dimension_xlsx() -> bytes:
    """Two rows of cells under a dimension tag claiming the whole grid."""
    return xlsx_package(sheet_xml(people_rows_xml(), dimension="A1:XFD1048576"))


def far_row_xlsx() -> bytes:
    """A row numbered 1048576 and a cell in column XFD of row 2, written by hand."""
    rows = people_rows_xml() + f'<row r="1048576">{inline_cell("XFD1048576", "x")}</row>'
    return xlsx_package(sheet_xml(rows, dimension="A1:D2"))


def bad_references_xlsx() -> bytes:
    """Cell references no spreadsheet writes: row 0, a column past XFD, a row past the
    grid, a reference of digits only, one of letters only."""
    cells = "".join(
        inline_cell(ref, "x")
        for ref in ("A0", "XFE3", "ZZZZZZZ3", "A99999999999", "12", "AB", "", "A-1")
    )
    return xlsx_package(sheet_xml(people_rows_xml() + f'<row r="3">{cells}</row>'))


def many_merges_xlsx(count: int = 5000) -> bytes:
    """Thousands of merged ranges, overlapping, over rows that do not exist."""
    merges = "".join(f'<mergeCell ref="A{r}:D{r + 3}"/>' for r in range(2, count + 2))
    after = f'<mergeCells count="{count}">{merges}</mergeCells>'
    return xlsx_package(sheet_xml(people_rows_xml(), after=after))


def whole_grid_merge_xlsx() -> bytes:
    """One merged range over the whole grid, and one over the header row to column XFD."""
    after = (
        '<mergeCells count="2"><mergeCell ref="A2:XFD1048576"/>'
        '<mergeCell ref="A1:XFD1"/></mergeCells>'
    )
    return xlsx_package(sheet_xml(people_rows_xml(), after=after))


def honest_bomb_xlsx(mb: int) -> bytes:
    """A sheet XML of `mb` MB (the header and a person, then spaces) that packs to about a
    thousandth of that; its directory tells the truth."""
    head = sheet_xml(people_rows_xml()).replace(b"</sheetData>", b"")
    data = xlsx_package(head + b"</sheetData></worksheet>")
    data = rezip(data, {"xl/worksheets/sheet1.xml": None})
    tail = b"</sheetData></worksheet>"
    return append_streamed(data, "xl/worksheets/sheet1.xml", [head, *spaces(mb * MB), tail])


def lying_bomb_xlsx(mb: int) -> bytes:
    """The same bomb, its directory saying the sheet unpacks to 1 KB."""
    data = honest_bomb_xlsx(mb)
    return patch_entry(data, "xl/worksheets/sheet1.xml", uncompressed=1024)


def declared_huge_xlsx() -> bytes:
    """A small workbook whose directory says its sheet unpacks to 4 GB."""
    return patch_entry(
        good_xlsx(), "xl/worksheets/sheet1.xml", local=False, uncompressed=0xFFFFFFF0
    )


def million_rows_xlsx(rows: int = 1_000_000) -> bytes:
    """A header and a million one-cell rows (inline strings, no references): a few KB
    packed that a reader grows into a million rows."""
    data = xlsx_package(sheet_xml("", dimension="A1"))
    data = rezip(data, {"xl/worksheets/sheet1.xml": None})
    head = sheet_xml(people_rows_xml(), dimension="A1").replace(b"</sheetData></worksheet>", b"")
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    return append_streamed(
        data,
        "xl/worksheets/sheet1.xml",
        [head, *([row * 10_000] * (rows // 10_000)), b"</sheetData></worksheet>"],
    )


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY a0 "lollollollollollollollollollol">'
    + "".join(f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10))
    + "]>\n"
)
QUADRATIC_BLOWUP = '<!DOCTYPE q [<!ENTITY b "' + "B" * 50_000 + '">]>\n'
XXE = '<!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
XXE_PARAMETER = (
    '<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> '
    '<!ENTITY % q SYSTEM "http://127.0.0.1:9/evil.dtd"> %p; %q;]>\n'
)


def shared_strings_entity_xlsx(doctype: str, reference: str) -> bytes:
    """A workbook whose person's name is a shared string holding `reference` (an entity the
    DOCTYPE of sharedStrings.xml declares)."""
    strings = [*PEOPLE_HEADER, reference, *PEOPLE_ROW[1:]]
    cells = [
        f'<c r="{c}{r}" t="s"><v>{i}</v></c>'
        for i, (c, r) in enumerate([(c, 1) for c in "ABCD"] + [(c, 2) for c in "ABCD"])
    ]
    rows = f'<row r="1">{"".join(cells[:4])}</row><row r="2">{"".join(cells[4:])}</row>'
    return xlsx_package(sheet_xml(rows), shared=shared_strings_xml(strings, doctype=doctype))


def sheet_entity_xlsx(doctype: str, reference: str) -> bytes:
    """The entity in the sheet itself (an inline string) and in the sheet's name."""
    sheet = sheet_xml(people_rows_xml(reference), doctype=doctype, dimension="A1:XFD1048576")
    book = workbook_xml(sheet_name=reference, doctype=doctype)
    return xlsx_package(sheet, workbook=book)


def lying_shared_count_xlsx() -> bytes:
    """sharedStrings.xml claiming four billion strings (a reader may reserve room for them)."""
    return shared_strings_entity_xlsx("", PEOPLE_ROW[0]).replace(
        b'count="8" uniqueCount="8"', b'count="4294967295" uniqueCount="4294967295"'
    )


def thousand_sheets_xlsx(sheets: int = 1000) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for n in range(sheets):
        sheet = book.add_worksheet(f"Trang {n}")
        sheet.write(0, 0, f"Ghi chú {n}")
    last = book.add_worksheet("Danh sách")
    last.write_row(0, 0, PEOPLE_HEADER)
    last.write_row(1, 0, PEOPLE_ROW)
    book.close()
    return buffer.getvalue()


def many_parts_xlsx(parts: int = 10_001) -> bytes:
    return rezip(good_xlsx(), {f"xl/media/pad{n:05d}.bin": b"" for n in range(parts)})


def formulas_xlsx() -> bytes:
    """Formula cells with cached values of every kind, errors, and formulas that would
    reach out (DDE, WEBSERVICE) if anything evaluated them."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách")
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, PEOPLE_HEADER)
    sheet.write_formula(1, 0, '=CONCATENATE("Lê ","Văn Một")', None, "Lê Văn Một")
    sheet.write_formula(1, 1, "=1/0", None, "#DIV/0!")
    sheet.write_formula(1, 2, "=cmd|' /C calc'!A0", None, "Nam")
    sheet.write_formula(1, 3, '=WEBSERVICE("http://127.0.0.1:9/")', None, "HN-ML-01")
    sheet.write_formula(2, 0, "=A2", None, '=HYPERLINK("http://x")')
    sheet.write_number(2, 1, 1e12, date)  # a date past year 9999
    sheet.write_number(2, 2, -5, date)
    sheet.write_number(2, 3, 1e308)
    sheet.write_formula(3, 0, "=NA()", None, "#N/A")
    sheet.write_array_formula(3, 1, 3, 3, "{=1/0}", None, "#REF!")
    book.close()
    return buffer.getvalue()


def hidden_only_xlsx() -> bytes:
    """The only sheet with data is hidden (and very hidden)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Trống")
    sheet = book.add_worksheet("Ẩn")
    sheet.write_row(0, 0, PEOPLE_HEADER)
    sheet.write_row(1, 0, PEOPLE_ROW)
    sheet.hide()
    book.close()
    return buffer.getvalue().replace(b'state="hidden"', b'state="veryHidden"')


def broken_parts_xlsx() -> bytes:
    """The workbook part names a sheet that is not there, and the sheet XML is not XML."""
    return rezip(
        good_xlsx(),
        {
            "xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row",
            "xl/workbook.xml": lambda x: x.replace(b"sheet1", b"sheet9"),
        },
    )


def unsupported_method_xlsx() -> bytes:
    """The sheet's entry says it is compressed by method 99 (AES) and is encrypted."""
    return patch_entry(good_xlsx(), "xl/worksheets/sheet1.xml", method=99, flags=1)


def bad_crc_xlsx() -> bytes:
    return patch_entry(good_xlsx(), "xl/worksheets/sheet1.xml", crc=0xDEADBEEF)


# --- spreadsheets: .ods ---------------------------------------------------------------------

ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
ODS_MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
    b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    b'<manifest:file-entry manifest:full-path="/" '
    b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    b"</manifest:manifest>"
)


def ods_cell(text: str, attrs: str = "") -> str:
    return (
        f'<table:table-cell office:value-type="string" {attrs}>'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def ods_package(rows: str, doctype: str = "") -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Danh sách">'
        f"{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", ODS_MIME, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_people_rows(name: str = PEOPLE_ROW[0]) -> str:
    header = "".join(ods_cell(v) for v in PEOPLE_HEADER)
    person = "".join(ods_cell(v) for v in [name, *PEOPLE_ROW[1:]])
    return f"<table:table-row>{header}</table:table-row><table:table-row>{person}</table:table-row>"


def good_ods() -> bytes:
    return ods_package(ods_people_rows())


def ods_bomb() -> bytes:
    """A million rows of 16,384 cells each holding "x", declared by repetition counts."""
    bomb = (
        '<table:table-row table:number-rows-repeated="1048574">'
        + ods_cell("x", 'table:number-columns-repeated="16384"')
        + "</table:table-row>"
    )
    return ods_package(ods_people_rows() + bomb)


def ods_wide_empty() -> bytes:
    """What LibreOffice writes for formatted empty cells, to the end of the grid."""
    empty = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    return ods_package(ods_people_rows() + empty)


def ods_huge_repeat_count() -> bytes:
    """Repetition counts no sheet has: past 2**32, negative, not a number."""
    rows = "".join(
        f'<table:table-row table:number-rows-repeated="{n}">'
        f"{ods_cell('x', f'table:number-columns-repeated={chr(34)}{n}{chr(34)}')}"
        "</table:table-row>"
        for n in ("99999999999999999999", "-5", "abc")
    )
    return ods_package(ods_people_rows() + rows)


def ods_laughs() -> bytes:
    return ods_package(ods_people_rows("&a9;"), doctype=BILLION_LAUGHS)


def ods_xxe() -> bytes:
    return ods_package(ods_people_rows("&x;"), doctype=XXE)


# --- spreadsheets: .xls and text -------------------------------------------------------------


def good_xls() -> bytes:
    return xls_bytes([PEOPLE_HEADER, PEOPLE_ROW])


def far_cell_xls() -> bytes:
    """The .xls grid's last cell (IV65536) after a person."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Danh sach")
    for c, value in enumerate(PEOPLE_HEADER):
        sheet.write(0, c, value)
    for c, value in enumerate(PEOPLE_ROW):
        sheet.write(1, c, value)
    sheet.write(65535, 255, "x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def html_table(prefix: bytes = b"") -> bytes:
    cells = "".join(f"<td>{v}</td>" for v in PEOPLE_HEADER)
    person = "".join(f"<td>{v}</td>" for v in PEOPLE_ROW)
    return (
        prefix
        + (
            f"<html><head><meta charset='utf-8'></head><body><table><tr>{cells}</tr>"
            f"<tr>{person}</tr></table></body></html>"
        ).encode()
    )


def xml_spreadsheet_2003() -> bytes:
    return (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet '
        'ss:Name="Danh sách"><Table><Row><Cell><Data ss:Type="String">Họ và tên</Data>'
        "</Cell></Row></Table></Worksheet></Workbook>"
    ).encode()


def mhtml_as_xls() -> bytes:
    return (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="x"\r\n\r\n'
        b"--x\r\nContent-Type: text/html\r\n\r\n" + html_table() + b"\r\n--x--\r\n"
    )


def csv_with_nul(late: bool) -> bytes:
    body = csv_bytes([PEOPLE_HEADER, PEOPLE_ROW])
    if late:
        return body + b"x" * 5000 + b"\x00" * 10 + b",y\r\n"
    return body.replace(b"Nam", b"N\x00m")


def csv_long_line(size: int = 2 * MB) -> bytes:
    """One field of 2 MB, no line break."""
    return csv_bytes([PEOPLE_HEADER]) + b"x" * size


def csv_wide(columns: int = 100_000) -> bytes:
    return (
        ",".join(PEOPLE_HEADER + ["c"] * columns)
        + "\r\n"
        + ",".join(PEOPLE_ROW + ["x"] * columns)
        + "\r\n"
    ).encode()


def csv_sniffer_worst() -> bytes:
    """A first line on which csv.Sniffer's quote-guessing regex backtracks quadratically."""
    return b',"' * 10_000 + b"x\r\n" + csv_bytes([PEOPLE_HEADER, PEOPLE_ROW])


def csv_not_any_encoding() -> bytes:
    """Neither UTF-8 nor Windows-1258: bytes that code page leaves undefined."""
    return csv_bytes([PEOPLE_HEADER]) + b"L\x81 V\x8a n M\x8d\x8e\x90t,01/01/1980,Nam,HN\r\n"


def csv_utf16() -> bytes:
    text = "\r\n".join(",".join(r) for r in (PEOPLE_HEADER, PEOPLE_ROW))
    return text.encode("utf-16")


def csv_unbalanced_quote() -> bytes:
    return csv_bytes([PEOPLE_HEADER]) + b'"L\xc3\xaa V\xc4\x83n M\xe1\xbb\x99t,01/01/1980\r\n' * 200


def csv_many_empty_lines() -> bytes:
    return csv_bytes([PEOPLE_HEADER, PEOPLE_ROW]) + b"\r\n" * 200_000


def csv_formula_injection() -> bytes:
    return csv_bytes([PEOPLE_HEADER, ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-HN"]])


# --- spreadsheets: the catalogue -------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """A hostile spreadsheet: its name as uploaded, how to build it, the settings it is sent
    under (small limits keep a bomb cheap), and which import kinds it goes to."""

    filename: str
    build: Callable[[], bytes]
    settings: dict = field(default_factory=dict)
    kinds: tuple[str, ...] = ("people", "participants", "records", "units")

    @functools.cached_property
    def data(self) -> bytes:
        return self.build()


def truncations(name: str, build: Callable[[], bytes]) -> dict[str, Sheet]:
    cuts = {
        "4 bytes": lambda d: d[:4],
        "30 bytes": lambda d: d[:30],
        "a quarter": lambda d: d[: len(d) // 4],
        "half": lambda d: d[: len(d) // 2],
        "no end record": lambda d: d[:-22],
        "one byte short": lambda d: d[:-1],
    }
    extension = name.rsplit(".", 1)[-1]
    return {
        f"{extension} cut to {label}": Sheet(name, lambda cut=cut: cut(build()))
        for label, cut in cuts.items()
    }


SMALL_LIMITS = {"SPREADSHEET_MEMORY_MB": 256, "SPREADSHEET_SECONDS": 10}
ONE_KIND = ("people",)

SPREADSHEETS: dict[str, Sheet] = {
    # huge dimensions
    "cell at XFD1048576": Sheet("danh-sach.xlsx", far_cell_xlsx),
    "cell at XFD1048576, small limits": Sheet("danh-sach.xlsx", far_cell_xlsx, SMALL_LIMITS),
    "dimension tag lying": Sheet("danh-sach.xlsx", lying_dimension_xlsx),
    "row 1048576 written by hand": Sheet("danh-sach.xlsx", far_row_xlsx),
    "impossible cell references": Sheet("danh-sach.xlsx", bad_references_xlsx),
    "5000 merged ranges": Sheet("danh-sach.xlsx", many_merges_xlsx),
    "a merge over the whole grid": Sheet("danh-sach.xlsx", whole_grid_merge_xlsx),
    "xls cell at IV65536": Sheet("danh-sach.xls", far_cell_xls, kinds=ONE_KIND),
    "a million rows in a few KB": Sheet(
        "danh-sach.xlsx", million_rows_xlsx, {"SPREADSHEET_MAX_CELLS": 1_000_000}, ONE_KIND
    ),
    # zip bombs and lying directories
    "zip bomb over the unpacked limit": Sheet(
        "danh-sach.xlsx", lambda: honest_bomb_xlsx(64), {"SPREADSHEET_UNPACKED_MB": 50}, ONE_KIND
    ),
    "zip bomb under the unpacked limit": Sheet(
        "danh-sach.xlsx", lambda: honest_bomb_xlsx(64), kinds=ONE_KIND
    ),
    "zip bomb, directory lying about its size": Sheet(
        "danh-sach.xlsx",
        lambda: lying_bomb_xlsx(64),
        {"SPREADSHEET_UNPACKED_MB": 50, **SMALL_LIMITS},
        ONE_KIND,
    ),
    "directory declaring 4 GB": Sheet("danh-sach.xlsx", declared_huge_xlsx),
    "10,001 parts": Sheet("danh-sach.xlsx", many_parts_xlsx),
    "1000 sheets": Sheet("danh-sach.xlsx", thousand_sheets_xlsx, kinds=ONE_KIND),
    "shared strings claiming 4 billion": Sheet("danh-sach.xlsx", lying_shared_count_xlsx),
    "entry compressed by an unknown method": Sheet("danh-sach.xlsx", unsupported_method_xlsx),
    "entry with a wrong CRC": Sheet("danh-sach.xlsx", bad_crc_xlsx),
    "a part needing zip version 10.9": Sheet(
        "danh-sach.xlsx",
        lambda: patch_entry(good_xlsx(), "xl/worksheets/sheet1.xml", version_needed=109),
    ),
    "parts missing and broken XML": Sheet("danh-sach.xlsx", broken_parts_xlsx),
    # XML bombs and external entities
    "billion laughs in sharedStrings.xml": Sheet(
        "danh-sach.xlsx", lambda: shared_strings_entity_xlsx(BILLION_LAUGHS, "&a9;")
    ),
    "quadratic blowup in sharedStrings.xml": Sheet(
        "danh-sach.xlsx", lambda: shared_strings_entity_xlsx(QUADRATIC_BLOWUP, "&b;" * 50_000)
    ),
    "billion laughs in sheet1.xml and the sheet name": Sheet(
        "danh-sach.xlsx", lambda: sheet_entity_xlsx(BILLION_LAUGHS, "&a9;")
    ),
    "XXE file:///etc/passwd in sharedStrings.xml": Sheet(
        "danh-sach.xlsx", lambda: shared_strings_entity_xlsx(XXE, "&x;")
    ),
    "XXE in sheet1.xml and the sheet name": Sheet(
        "danh-sach.xlsx", lambda: sheet_entity_xlsx(XXE, "&x;")
    ),
    "XXE parameter entities": Sheet(
        "danh-sach.xlsx", lambda: shared_strings_entity_xlsx(XXE_PARAMETER, "Lê Văn Một")
    ),
    # .ods
    "ods bomb (a billion cells by repetition)": Sheet(
        "danh-sach.ods", ods_bomb, SMALL_LIMITS, ONE_KIND
    ),
    "ods empty cells to the end of the grid": Sheet(
        "danh-sach.ods", ods_wide_empty, kinds=ONE_KIND
    ),
    "ods impossible repetition counts": Sheet("danh-sach.ods", ods_huge_repeat_count),
    "ods billion laughs": Sheet("danh-sach.ods", ods_laughs),
    "ods XXE": Sheet("danh-sach.ods", ods_xxe),
    # wrong magic
    "PDF named .xlsx": Sheet("danh-sach.xlsx", lambda: PDF),
    "PNG named .xlsx": Sheet("danh-sach.xlsx", lambda: PNG + seeded(1, 2000)),
    "random bytes named .xlsx": Sheet("danh-sach.xlsx", lambda: seeded(2, 5000)),
    "ZIP magic then random bytes": Sheet("danh-sach.xlsx", lambda: b"PK\x03\x04" + seeded(3, 5000)),
    "OLE magic then random bytes": Sheet("danh-sach.xls", lambda: OLE_MAGIC + seeded(4, 5000)),
    "ELF executable named .xls": Sheet(
        "danh-sach.xls", lambda: b"\x7fELF\x02\x01\x01" + seeded(5, 3000)
    ),
    "a course archive named .xlsx": Sheet("danh-sach.xlsx", lambda: zip_of({"course.json": b"{}"})),
    "empty file": Sheet("danh-sach.xlsx", lambda: b""),
    # truncated
    **truncations("danh-sach.xlsx", good_xlsx),
    **truncations("danh-sach.xls", good_xls),
    **truncations("danh-sach.ods", good_ods),
    # encrypted
    "password-protected xlsx": Sheet("danh-sach.xlsx", lambda: encrypted(good_xlsx(), "matkhau")),
    "password-protected xlsx named .xls": Sheet(
        "danh-sach.xls", lambda: encrypted(good_xlsx(), "matkhau")
    ),
    # web pages
    "HTML as .xls": Sheet("danh-sach.xls", html_table),
    "HTML with a BOM and blank lines as .xls": Sheet(
        "danh-sach.xls", lambda: html_table(b"\xef\xbb\xbf\r\n\r\n  ")
    ),
    "XML Spreadsheet 2003 as .xls": Sheet("danh-sach.xls", xml_spreadsheet_2003),
    "MHTML as .xls": Sheet("danh-sach.xls", mhtml_as_xls),
    # text
    "CSV with a NUL in the first line": Sheet("danh-sach.csv", lambda: csv_with_nul(False)),
    "CSV with NULs after 4 KB": Sheet("danh-sach.csv", lambda: csv_with_nul(True)),
    "CSV of one 2 MB line": Sheet("danh-sach.csv", csv_long_line, kinds=ONE_KIND),
    # The header search costs ~0.2 ms a cell of the first 30 rows (test_spreadsheets, the
    # xfail on wide header areas): a short time limit keeps this case bounded.
    "CSV of 100,000 columns": Sheet(
        "danh-sach.csv", csv_wide, {"SPREADSHEET_SECONDS": 5}, ONE_KIND
    ),
    "CSV defeating the sniffer": Sheet("danh-sach.csv", csv_sniffer_worst, kinds=ONE_KIND),
    "CSV neither UTF-8 nor Windows-1258": Sheet("danh-sach.csv", csv_not_any_encoding),
    "CSV in UTF-16": Sheet("danh-sach.csv", csv_utf16),
    "CSV with an unbalanced quote": Sheet("danh-sach.csv", csv_unbalanced_quote),
    "CSV with 200,000 empty lines": Sheet("danh-sach.csv", csv_many_empty_lines, kinds=ONE_KIND),
    "CSV of formulas": Sheet("danh-sach.csv", csv_formula_injection),
    # formulas and odd cells
    "formula cells": Sheet("danh-sach.xlsx", formulas_xlsx),
    "only a hidden sheet holds data": Sheet("danh-sach.xlsx", hidden_only_xlsx),
}


# --- lesson files and scans of the wrong content ---------------------------------------

WRONG_CONTENT = {
    "html": b"<!doctype html><script>fetch('/units/1/rename/',{method:'POST'})</script>",
    "js": b"fetch('/units/1/rename/', {method: 'POST'})",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + seeded(6, 500),
    "zip": zip_of({"a.txt": b"a"}),
    "empty": b"",
    "jpeg": JPEG + seeded(7, 200),
    "truncated pdf magic": b"%PD",
    "quicktime": b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ",
    "pdf": PDF,
    "mp4": MP4 + seeded(8, 500),
}
# What each kind of lesson may carry; any other content is wrong for it.
RIGHT_CONTENT = {"pdf": {"pdf"}, "video": {"mp4"}, "text": set(), "embed": set(), "quiz": set()}
