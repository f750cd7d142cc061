"""Vietnamese text helpers: accent-free search keys, name splitting and collation keys."""

import unicodedata

# Vietnamese alphabet order (with the foreign letters f, j, w, z in their Latin places).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# One sortable character per letter: binary order of these == Vietnamese letter order.
_CODES = "123456789abcdefghijklmnopqrstuvwx"
_PRIMARY = dict(zip(_ALPHABET, _CODES, strict=True))
# Tone marks in dictionary order: level, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Marks that make a letter of its own (ă, â, ê, ô, ơ, ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def clean_spaces(text: str) -> str:
    """NFC, trimmed, inner runs of whitespace collapsed to one space."""
    return " ".join(nfc(text).split())


def fold(text: str) -> str:
    """Lower-case and strip every diacritic: 'Nguyễn Đức' -> 'nguyen duc'. Used for search."""
    decomposed = unicodedata.normalize("NFD", clean_spaces(text).lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _letters(word: str) -> list[tuple[str, str]]:
    """Split a word into (base letter with its letter-making mark, tone digit) pairs."""
    out: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.combining(ch):
            if not out:
                continue
            base, tone = out[-1]
            if ch in _LETTER_MARKS:
                out[-1] = (unicodedata.normalize("NFC", base + ch), tone)
            elif ch in _TONES:
                out[-1] = (base, _TONES[ch])
        else:
            out.append((ch, "0"))
    return out


def collation_key(*parts: str) -> str:
    """A key whose binary order is the Vietnamese dictionary order of the parts, compared in turn.

    Letters are compared first over all parts (a < ă < â < b ... đ after d), tones only to break
    ties, as a Vietnamese dictionary does. Only [0-9a-z] are used, so the key sorts the same under
    any database collation.
    """
    primary, tones = [], []
    for part in parts:
        for base, tone in _letters(clean_spaces(part).replace(" ", "")):
            code = _PRIMARY.get(base)
            if code is None:
                if not base.isalnum():
                    continue
                code = "y"  # digits and foreign letters sort after the alphabet
            primary.append(code)
            tones.append(tone)
        primary.append("0")  # separator: "An" sorts before "Anh"
    return ("".join(primary) + "z" + "".join(tones))[:250]


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """'Nguyễn Thị Minh Khai' -> ('Nguyễn', 'Thị Minh', 'Khai'); a single word is a given name."""
    words = clean_spaces(full_name).split(" ")
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]
