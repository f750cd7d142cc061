"""A report as a Word document in the administrative format of Decree 30/2020/NĐ-CP.

A4, margins 20 mm top, 15 mm right, 30 mm left, 20 mm bottom; Times New Roman 13-14 pt.
The frame: a borderless header table (issuing body and number on the left, the national name
and motto, then place and date, on the right), the title in bold capitals, the body, then the
recipients on the left and the signature on the right. The national name, the motto and the
formulae of the frame are Vietnamese by law, whatever the interface language.
"""

from decimal import Decimal

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt

from reports.content import Content, Letterhead, Table, vn_date_line, vn_number

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 14, 13
NATION = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TEXT_WIDTH = Mm(210 - 30 - 15)


def _font(
    run, size: int, bold: bool = False, italic: bool = False, underline: bool = False
) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    # Word picks the East Asian font slot for some Vietnamese letters: name it too.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _para(
    container,
    text: str = "",
    size: int = BODY_PT,
    *,
    bold=False,
    italic=False,
    underline=False,
    align=WD_ALIGN_PARAGRAPH.LEFT,
    before: int = 0,
    after: int = 0,
    indent: bool = False,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        _font(paragraph.add_run(text), size, bold, italic, underline)
    return paragraph


def _page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _cell(table, row: int, col: int):
    cell = table.cell(row, col)
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return cell


def _frame_table(document, rows: int, widths: tuple):
    """A table without borders (the document's default table style has none)."""
    table = document.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _set_widths(table, widths)
    return table


def _set_widths(table, widths) -> None:
    """Word reads the cells' widths, LibreOffice the grid's: set both."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _header(document, head: Letterhead) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    # Decree 30: the bodies' names and the national name 12-13 pt, the motto 13-14 pt.
    table = _frame_table(document, 2, (Mm(62), Mm(103)))
    left = _cell(table, 0, 0)
    if head.parent_name:
        _para(left, head.parent_name.upper(), 12, align=center)
    _para(left, head.unit_name.upper(), 12, bold=True, align=center)
    right = _cell(table, 0, 1)
    _para(right, NATION, 12, bold=True, align=center)
    _para(right, MOTTO, 14, bold=True, underline=True, align=center)
    _para(_cell(table, 1, 0), f"Số:      /{head.number_suffix}", 13, align=center, before=6)
    _para(
        _cell(table, 1, 1),
        vn_date_line(head.place, head.day),
        14,
        italic=True,
        align=center,
        before=6,
    )


def _title(document, content: Content) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, "BÁO CÁO", 14, bold=True, align=center, before=18)
    _para(document, content.title, 14, bold=True, align=center)
    _para(document, content.period, 14, italic=True, align=center, after=6)
    if content.letterhead.addressee:
        _para(document, f"Kính gửi: {content.letterhead.addressee}", 14, align=center, after=12)


def _table(document, table: Table) -> None:
    _para(document, table.caption, BODY_PT, bold=True, italic=True, before=6, after=3)
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = _widths(table)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for cell, header, width in zip(grid.rows[0].cells, table.headers, widths, strict=True):
        cell.width = width
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(header), TABLE_PT, bold=True)
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = width
            paragraph = cell.paragraphs[0]
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(paragraph.add_run(vn_number(value)), TABLE_PT)


def _widths(table: Table) -> list[Emu]:
    """Columns in proportion to the table's widths (the sheet's), filling the text width."""
    weights = list(table.widths or [1] * len(table.headers))
    total = sum(weights)
    return [Emu(int(TEXT_WIDTH * w / total)) for w in weights]


def _closing(document, head: Letterhead) -> None:
    """Recipients at the left, the signature at the right (Decree 30: 'Nơi nhận' 12 pt bold
    italic, its lines 11 pt; the signature block 13-14 pt bold)."""
    table = _frame_table(document, 1, (Mm(75), Mm(90)))
    left = _cell(table, 0, 0)
    _para(left, "Nơi nhận:", 12, bold=True, italic=True, before=12)
    if head.addressee:
        _para(left, "- Như trên;", 11)
    _para(left, "- Lưu: VT, ToC.", 11)
    right = _cell(table, 0, 1)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(right, head.on_behalf, 13, bold=True, align=center, before=12)
    _para(right, head.signer_title, 13, bold=True, align=center)
    for _i in range(4):  # room to sign and stamp
        _para(right, "", 13)
    _para(right, head.signer_name, 14, bold=True, align=center)


def write_docx(content: Content, target) -> None:
    """Write the document to `target` (a path or a binary file object)."""
    document = Document()
    _page(document)
    _header(document, content.letterhead)
    _title(document, content)
    for section in content.sections:
        _para(document, section.heading, BODY_PT, bold=True, before=12, after=6)
        for text in section.paragraphs:
            _para(document, text, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=True)
        for table in section.tables:
            if table.in_docx:
                _table(document, table)
            elif table.omitted_note:
                _para(document, table.omitted_note, BODY_PT, italic=True, indent=True)
    _closing(document, content.letterhead)
    document.save(target)
