"""How personal data reads when it is shown by default (Decree 13/2023/NĐ-CP): masked.

Plain functions of a value, used by the template filters (privacy/templatetags), the API and
the import previews, so every page masks the same way. Empty values stay empty (the caller
shows its own "—"); a value too short to keep anything of is masked whole.

Citizen ID (CCCD, 12 digits): the first three digits name the province where the birth was
registered, the fourth the gender and century, the fifth and sixth the year of birth, and the
last six are a serial number. The mask keeps the province code and the last two digits:
`001•••••••01`. Neither part identifies anybody on its own (63 province codes; two digits),
but together they let an officer tell two namesakes apart and check a number read out from a
card. Digits four to six are hidden although a profile shows gender and birth date: what
makes the number usable is its serial, and four of its six digits stay hidden (10,000
possibilities for someone who knows everything else about the person).

Phone: the last three digits (`•••••••678`), which is how people confirm "the number ending
in 678". Email: the first character and the domain (`n•••@gmail.com`): enough to recognise
which address is on file without it being usable.
"""

import re

BULLET = "•"
MASK = BULLET * 3  # a value masked whole

CITIZEN_ID = re.compile(r"[0-9]{12}")  # ASCII digits, as the import reads them


def mask_citizen_id(value: str | None) -> str:
    """`001080000001` → `001•••••••01`; anything but 12 digits is masked whole."""
    if not value:
        return ""
    if not CITIZEN_ID.fullmatch(value):
        return MASK
    return value[:3] + BULLET * 7 + value[-2:]


def mask_phone(value: str | None) -> str:
    """The last three digits; a number shorter than seven characters is masked whole (three
    digits of a five-digit extension would be most of it)."""
    if not value:
        return ""
    value = value.strip()
    if len(value) < 7:
        return MASK
    return BULLET * (len(value) - 3) + value[-3:]


def mask_email(value: str | None) -> str:
    """The first character and the domain; without a domain, masked whole."""
    if not value:
        return ""
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or not domain:
        return MASK
    return f"{local[0]}{MASK}@{domain}"


def mask_text(value: str | None) -> str:
    """Free text such as an address: nothing of it is kept."""
    return MASK if value else ""
