"""What every hostile file must end in: a message in Vietnamese (or a success), nothing
written outside the job, nothing read from the server's own files."""

import functools
import re
from pathlib import Path

from django.utils.translation import trans_real

from tests.fuzz.corpus import PASSWD_MARK

# Letters only Vietnamese writes (English messages have none of them).
VIETNAMESE_LETTERS = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


@functools.cache
def english_phrases() -> frozenset[str]:
    """The longer fixed phrases of every message the system (and Django) can say, in
    English: a message holding one of them was not translated."""
    phrases = set()
    for key in trans_real.translation("vi")._catalog.keys():
        msgid = key[0] if isinstance(key, tuple) else key
        for chunk in re.split(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}", msgid):
            chunk = chunk.strip(" .:,;()“”\"'")
            if len(chunk) >= 16 and " " in chunk:
                phrases.add(chunk)
    return frozenset(phrases)


def untranslated(message: str) -> list[str]:
    return [phrase for phrase in english_phrases() if phrase in message]


def assert_vietnamese(messages, *, what: str = "") -> None:
    """Each message is in Vietnamese: Vietnamese letters, no English phrase of a msgid, and
    no trace of a Python error or of /etc/passwd."""
    messages = list(messages)
    assert messages, f"no message at all {what}"
    for message in messages:
        message = str(message)
        assert VIETNAMESE_LETTERS & set(message.lower()), f"not Vietnamese {what}: {message!r}"
        assert not untranslated(message), f"English in {what}: {untranslated(message)} {message}"
        assert "Traceback" not in message and "Error:" not in message, message
        assert PASSWD_MARK not in message, f"/etc/passwd leaked {what}"


def files_under(root: Path) -> set[Path]:
    """Every file and link under `root` (links are listed, never followed)."""
    root = Path(root)
    if not root.exists():
        return set()
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def links_under(root: Path) -> set[Path]:
    root = Path(root)
    return {p for p in root.rglob("*") if p.is_symlink()} if root.exists() else set()
