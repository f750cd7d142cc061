"""Names, codes and titles are one line of visible text.

They end up in lists, exports, report headings and file names, where a line break, a tab or
an invisible character breaks the line, the file or the header carrying its name (a unit code
with a line feed made an export's response fail), or makes a name read otherwise than it is
(a right-to-left override, U+202E, shows the rest of the line backwards). The validators sit
on the model fields, so forms, the API, imports and the admin all refuse them; long texts
(descriptions, comments) keep their line breaks.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Never part of a name or a code: controls (Cc: line feed, carriage return, tab, NUL, ...),
# format characters (Cf: zero-width space and joiners, bidirectional overrides such as
# U+202E, the soft hyphen, the byte-order mark), lone surrogates (Cs, which PostgreSQL cannot
# store), and the line and paragraph separators (Zl, Zp).
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Besides those, a code may not hold what ends a file name or an address's part.
NOT_IN_CODES = frozenset('"/\\')


def is_hidden(char: str) -> bool:
    return unicodedata.category(char) in HIDDEN_CATEGORIES


def hidden_character(text: str) -> str | None:
    """The first character of `text` that is a line break, a tab or invisible, if any."""
    if text.isprintable():  # no character of those categories (checked in C, at once)
        return None
    return next((char for char in text if is_hidden(char)), None)


def validate_one_line(value: str) -> None:
    """For names and titles: refuse line breaks, tabs and invisible characters."""
    char = hidden_character(value or "")
    if char is not None:
        raise ValidationError(
            _(
                "Remove the line break, tab or invisible character (%(char)s): a name or a code "
                "is one line of visible text."
            ),
            code="hidden_character",
            params={"char": f"U+{ord(char):04X}"},
        )


def validate_code(value: str) -> None:
    """For codes: one line of visible text, without a quote or a slash."""
    validate_one_line(value)
    char = next((c for c in value or "" if c in NOT_IN_CODES), None)
    if char is not None:
        raise ValidationError(
            _("A code cannot contain “%(char)s” (codes go into file names and addresses)."),
            code="code_character",
            params={"char": char},
        )


def has_unstorable_character(text: str) -> bool:
    """A NUL (PostgreSQL cannot store it) or a lone surrogate (a JSON "\\ud800" escape: no
    database can store it, as UTF-8 cannot encode it) — a server error if it reached a
    query, in a text of any length."""
    if "\x00" in text:
        return True
    if text.isascii():
        return False
    try:  # checked in C, at once
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
