"""Certificates as printed: what one says (fixed when it is issued) and the PDF of one or of a
whole class, after Decree 30/2020's presentation of an administrative document — the body's
name top left, the national motto top right with place and date under it, the title, the text,
the signature block bottom right — with the QR code `/verify/` accepts.

The document is Vietnamese whatever the interface language: it is what the union signs."""

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import segno
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from fpdf import FPDF

from training.models import CertificateLayout, CertificateTemplate, TrainingRecord
from units.models import Unit

FONTS = Path(__file__).resolve().parent / "fonts"  # DejaVu Serif (LICENSE-DejaVu.txt)
MAX_PAGES = 1000  # one PDF; a larger class prints by its pages of the list
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000  # pixels: a bigger picture is refused before it is decoded
LOGO_KEPT_SIDE = 600


def template_for(unit: Unit) -> CertificateTemplate:
    """The unit's template, or an unsaved one with the defaults (place and signer blank)."""
    try:
        return unit.certificate_template
    except CertificateTemplate.DoesNotExist:
        return CertificateTemplate(organiser=unit, place="", signer_title="", signer_name="")


def signed_text(template: CertificateTemplate) -> dict:
    """What a certificate issued now says: kept on the record, so printing it again later
    shows the signer and wording of the day it was signed."""
    unit = template.organiser
    governing = template.governing_body or (unit.parent.name if unit.parent_id else "")
    return {
        "layout": template.layout,
        "governing_body": governing,
        "issuing_body": unit.name,
        "symbol": template.symbol,
        "place": template.place,
        "title": template.title,
        "wording": template.wording,
        "signer_authority": template.signer_authority,
        "signer_title": template.signer_title,
        "signer_name": template.signer_name,
    }


def text_of(record: TrainingRecord) -> dict:
    """What the record's certificate says: as signed, else as its organiser's template says
    today (a certificate numbered before templates existed)."""
    if record.certificate_signed:
        return {**signed_text(template_for(record.organiser)), **record.certificate_signed}
    return signed_text(template_for(record.organiser))


def decree30_date(day: dt.date) -> str:
    """ "ngày 05 tháng 3 năm 2026": Decree 30 writes a day under 10, and months 1 and 2, with a
    leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def validity_line(expires_on: dt.date) -> str:
    """What a certificate of training that expires says of it, in the PDF and on the page."""
    return f"Có giá trị đến ngày {expires_on:%d/%m/%Y}"


def number_of(record: TrainingRecord, symbol: str = "") -> str:
    """ "00001/2026", or "00001/2026/GCN-LĐLĐ" with the organiser's symbol."""
    number = f"{record.certificate_number}/{record.certificate_year}"
    return f"{number}/{symbol}" if symbol else number


def clean_logo(upload) -> bytes:
    """A logo as a PNG the system drew again: checked by its content (a PNG or JPEG picture of
    sensible size), never kept as uploaded."""
    from PIL import Image, UnidentifiedImageError

    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            {"logo": _("The logo is larger than %(mb)s MB.") % {"mb": LOGO_MAX_BYTES // 2**20}}
        )
    refused = ValidationError({"logo": _("The logo must be a PNG or JPEG picture.")})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG"):
                raise refused
            if max(probe.size) > LOGO_MAX_SIDE:
                raise ValidationError(
                    {
                        "logo": _("The logo is larger than %(n)s pixels on a side.")
                        % {"n": LOGO_MAX_SIDE}
                    }
                )
            probe.load()
            picture = probe.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise refused from None
    picture.thumbnail((LOGO_KEPT_SIDE, LOGO_KEPT_SIDE))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


@dataclass(frozen=True)
class _Page:
    """A layout's page: format, orientation, margins (mm) and the size of the body text."""

    format: str | tuple[float, float]
    orientation: str
    left: float
    right: float
    top: float
    text: float  # points
    framed: bool
    small: bool = False
    spread: float = 1.0  # line spacing of the body: a portrait page has room to breathe


PAGES = {
    CertificateLayout.PORTRAIT: _Page("A4", "P", 30, 15, 20, 13, False, spread=1.6),
    CertificateLayout.LANDSCAPE: _Page("A4", "L", 25, 20, 20, 13, True),
    CertificateLayout.A5: _Page((148, 210), "L", 15, 12, 12, 10.5, False, small=True),
}


def certificates_pdf(
    records: Iterable[TrainingRecord], verify_url: Callable[[TrainingRecord], str]
) -> bytes:
    """One page per numbered certificate, each in its organiser's layout."""
    pdf = FPDF(unit="mm")
    pdf.set_title("Giấy chứng nhận")
    pdf.set_creator("Đào tạo cán bộ công đoàn")
    pdf.set_auto_page_break(False)
    pdf.add_font("Serif", "", FONTS / "DejaVuSerif.ttf")
    pdf.add_font("Serif", "B", FONTS / "DejaVuSerif-Bold.ttf")
    pdf.add_font("Serif", "I", FONTS / "DejaVuSerif-Italic.ttf")
    logos: dict[int, bytes] = {}
    for n, record in enumerate(records, 1):
        if n > MAX_PAGES:
            raise ValidationError(_("At most %(n)s certificates in one PDF.") % {"n": MAX_PAGES})
        if record.organiser_id not in logos:
            logos[record.organiser_id] = bytes(template_for(record.organiser).logo or b"")
        _page(pdf, record, text_of(record), logos[record.organiser_id], verify_url(record))
    return bytes(pdf.output())


def _page(pdf: FPDF, record: TrainingRecord, text: dict, logo: bytes, url: str) -> None:
    page = PAGES.get(text["layout"], PAGES[CertificateLayout.PORTRAIT])
    pdf.add_page(format=page.format, orientation=page.orientation)
    width = pdf.w - page.left - page.right
    size = page.text
    if page.framed:
        pdf.set_line_width(0.8)
        pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
        pdf.set_line_width(0.3)
        pdf.rect(12.5, 12.5, pdf.w - 25, pdf.h - 25)
    _heading(pdf, page, record, text, width)
    y = pdf.get_y() + (4 if page.small else 8) * page.spread**2
    if logo:
        side = 14 if page.small else 22
        pdf.image(
            io.BytesIO(logo), x=(pdf.w - side) / 2, y=y, w=side, h=side, keep_aspect_ratio=True
        )
        y += side + 2
    pdf.set_xy(page.left, y)
    pdf.set_font("Serif", "B", size * 1.9)
    pdf.multi_cell(width, size * 0.9, text["title"].upper(), align="C")
    pdf.ln(size * 0.3)
    _body(pdf, page, record, text, width)
    top = pdf.get_y()
    _signature(pdf, page, text)
    _qr(pdf, page, url, top + page.text * 0.55 * 1.5 * page.spread)


def _heading(pdf: FPDF, page: _Page, record: TrainingRecord, text: dict, width: float) -> None:
    """Top left the governing body and the issuing body with the number; top right the
    national motto, and place and date under it (Decree 30/2020, Appendix I)."""
    size = page.text - 1
    line = size * 0.5
    left_w, right_w = width * 0.42, width * 0.56
    right_x = page.left + width - right_w
    pdf.set_xy(page.left, page.top)
    pdf.set_font("Serif", "", size)
    if text["governing_body"]:
        pdf.multi_cell(left_w, line, text["governing_body"].upper(), align="C")
    pdf.set_x(page.left)
    pdf.set_font("Serif", "B", size)
    pdf.multi_cell(left_w, line, text["issuing_body"].upper(), align="C")
    underline_y = pdf.get_y() + 0.8
    pdf.line(page.left + left_w * 0.35, underline_y, page.left + left_w * 0.65, underline_y)
    pdf.set_xy(page.left, underline_y + 1.5)
    pdf.set_font("Serif", "", size)
    pdf.cell(left_w, line, f"Số: {number_of(record, text['symbol'])}", align="C")
    left_end = pdf.get_y() + line

    pdf.set_xy(right_x, page.top)
    pdf.set_font("Serif", "B", size)
    pdf.cell(right_w, line, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    pdf.set_xy(right_x, page.top + line)
    pdf.set_font("Serif", "B", size + 1)
    motto = "Độc lập - Tự do - Hạnh phúc"
    pdf.cell(right_w, line, motto, align="C")
    motto_w = pdf.get_string_width(motto)
    y = page.top + 2 * line + 0.5
    pdf.line(right_x + (right_w - motto_w) / 2, y, right_x + (right_w + motto_w) / 2, y)
    pdf.set_xy(right_x, y + 2)
    pdf.set_font("Serif", "I", size + 1)
    issued = record.certificate_issued_on or record.completed_on
    place = text["place"] or "……………"
    pdf.cell(right_w, line, f"{place}, {decree30_date(issued)}", align="C")
    pdf.set_y(max(left_end, pdf.get_y() + line))


def _body(pdf: FPDF, page: _Page, record: TrainingRecord, text: dict, width: float) -> None:
    size = page.text
    line = size * 0.62 * page.spread
    person = record.person
    pdf.set_x(page.left)
    pdf.set_font("Serif", "", size)
    pdf.multi_cell(width, line, f"{text['issuing_body']} chứng nhận", align="C")
    pdf.ln(line * 0.3)
    pdf.set_x(page.left)
    pdf.set_font("Serif", "B", size * 1.45)
    honorific = {"male": "Ông", "female": "Bà"}.get(person.gender, "Ông/Bà")
    pdf.multi_cell(width, line * 1.4, f"{honorific}: {person.full_name}", align="C")
    pdf.set_font("Serif", "", size)
    born = f"{person.birth_date:%d/%m/%Y}" if person.birth_date else "……………"
    pdf.set_x(page.left)
    pdf.multi_cell(width, line, f"Sinh ngày: {born}", align="C")
    pdf.ln(line * 0.3)
    pdf.set_x(page.left)
    pdf.multi_cell(width, line, text["wording"], align="C")
    pdf.set_x(page.left)
    pdf.set_font("Serif", "B", size * 1.15)
    tight = size * 0.62 * 1.15  # the course's own lines close together when it wraps
    pdf.multi_cell(width, tight, f"“{record.title}”", align="C")
    pdf.ln(max(line - tight, 0))
    pdf.set_font("Serif", "", size)
    c = record.training_class
    when = (
        f"từ ngày {c.start_date:%d/%m/%Y} đến ngày {c.end_date:%d/%m/%Y}"
        if c is not None
        else f"hoàn thành ngày {record.completed_on:%d/%m/%Y}"
    )
    pdf.set_x(page.left)
    pdf.multi_cell(width, line, f"Thời gian: {when} ({record.hours} giờ)", align="C")
    if record.expires_on:  # training that must be renewed (issue 24 §5)
        pdf.set_x(page.left)
        pdf.multi_cell(width, line, validity_line(record.expires_on), align="C")


def _signature(pdf: FPDF, page: _Page, text: dict) -> None:
    """Bottom right: on whose behalf, the signer's title, room to sign, the name."""
    size = page.text
    line = size * 0.55
    block_w = (pdf.w - page.left - page.right) * 0.5
    x = pdf.w - page.right - block_w
    y = pdf.get_y() + line * 1.5 * page.spread
    pdf.set_xy(x, y)
    pdf.set_font("Serif", "B", size)
    for words in (text["signer_authority"], text["signer_title"]):
        if words:
            pdf.set_x(x)
            pdf.cell(block_w, line, words.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(x, pdf.get_y() + (14 if page.small else 24))
    pdf.set_font("Serif", "B", size + 0.5)
    pdf.cell(block_w, line, text["signer_name"] or "……………………", align="C")


def _qr(pdf: FPDF, page: _Page, url: str, y0: float) -> None:
    """Bottom left: the QR code of the public check, one pixel per square (a PDF viewer and a
    printer draw it without smoothing, so it stays sharp), and its address under it for
    whoever types it."""
    side = 22 if page.small else 28
    picture = io.BytesIO()
    segno.make(url, error="m").save(picture, kind="png", scale=1, border=0)
    pdf.image(picture, x=page.left, y=y0, w=side, h=side)
    pdf.set_xy(page.left - 4, y0 + side + 1)
    pdf.set_font("Serif", "", 6.5)
    pdf.cell(side + 60, 3, url)
