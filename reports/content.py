"""What a report says, independent of its file format: a letterhead, a title, sections of
paragraphs and tables of raw values. `reports/xlsx.py` and `reports/docx.py` write it."""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from units.models import PATH_WIDTH, UnitVersion


@dataclass
class Table:
    caption: str
    sheet: str  # the XLSX sheet's name (at most 31 characters, unique in the book)
    headers: Sequence[str]
    rows: Iterable[Sequence]  # raw values: int, Decimal, str, date or None
    in_docx: bool = True  # False: too long for a Word document, in the workbook only
    in_xlsx: bool = True  # False: a layout for reading on paper only
    omitted_note: str = ""  # what the Word document says in place of a table left out
    widths: Sequence[int] | None = None


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Letterhead:
    """The Decree 30/2020/NĐ-CP frame: issuing body, number, place and date, addressee,
    recipients and signature."""

    parent_name: str  # the body above the issuer ("" for the confederation)
    unit_name: str
    number_suffix: str  # "BC-LĐLĐ" in "Số: …/BC-LĐLĐ"
    place: str
    day: dt.date
    addressee: str = ""
    on_behalf: str = ""  # "TM. BAN THƯỜNG VỤ"
    signer_title: str = ""  # "CHỦ TỊCH"
    signer_name: str = ""


@dataclass
class Content:
    kind: str
    title: str  # the line under "BÁO CÁO"
    unit_name: str
    period: str  # "Năm 2025", "Tính đến ngày 31/12/2025"
    letterhead: Letterhead
    sections: list[Section]
    filename: str  # without extension

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]


# --- Vietnamese formatting of the Word document's figures -----------------------------


def vn_number(value) -> str:
    """9551 -> '9.551'; Decimal('66.7') -> '66,7'; None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, Decimal | float):
        text = f"{value:,.1f}"
        return text.replace(",", " ").replace(".", ",").replace(" ", ".")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def vn_date_line(place: str, day: dt.date) -> str:
    """'Hà Nội, ngày 05 tháng 02 năm 2026': days under 10 and January, February take a zero
    (Decree 30/2020/NĐ-CP, appendix I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


# --- the letterhead from the structure of the day -------------------------------------

_PLACE = re.compile(r"(?:tỉnh|thành phố|TP\.?)\s+(.+)$", re.IGNORECASE)
CAPITAL = "Hà Nội"


def place_of(node: UnitVersion, chain: list[UnitVersion]) -> str:
    """Where the unit sits: its province's name, else the capital (the confederation and the
    central sector unions)."""
    for version in [*chain, node]:
        if version.kind.code == "provincial_federation":
            match = _PLACE.search(version.name)
            if match:
                return match.group(1).strip()
    return CAPITAL


def short_name(name: str, *, body: bool = True) -> str:
    """A name as letterheads print it: 'thành phố' -> 'TP', and for the issuer itself (not
    the body above it) 'Liên đoàn Lao động' -> 'LĐLĐ'."""
    if body:
        name = re.sub(r"^Liên đoàn Lao động\s+", "LĐLĐ ", name)
    return re.sub(r"\bthành phố\b", "TP", name)


def number_suffix(node: UnitVersion) -> str:
    name = node.name
    if name.startswith("Tổng Liên đoàn"):
        return "BC-TLĐ"
    if name.startswith("Liên đoàn Lao động"):
        return "BC-LĐLĐ"
    if node.kind.level.code == "grassroots":
        return "BC-CĐCS"
    return "BC-CĐ"


def letterhead(
    node: UnitVersion, day: dt.date, made_on: dt.date, signer_name: str = ""
) -> Letterhead:
    prefixes = [node.path[: i * PATH_WIDTH] for i in range(1, node.depth + 1)]
    chain = list(
        UnitVersion.objects.on(day)
        .filter(path__in=prefixes)
        .select_related("kind")
        .order_by("depth")
    )
    parent = chain[-1] if chain else None
    grassroots = node.kind.level.code in ("grassroots", "member", "union_group")
    return Letterhead(
        parent_name=short_name(parent.name, body=False) if parent else "",
        unit_name=short_name(node.name) if parent else node.name,
        number_suffix=number_suffix(node),
        place=place_of(node, chain),
        day=made_on,
        addressee=parent.name if parent else "",
        on_behalf="TM. BAN CHẤP HÀNH" if grassroots else "TM. BAN THƯỜNG VỤ",
        signer_title="CHỦ TỊCH",
        signer_name=signer_name,
    )
