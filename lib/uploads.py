"""What an uploaded file is, told by its first bytes, never by its name; and how a stored
upload may be answered to a browser.

Every path that takes a file a user supplies (a form, the API, a course archive, a command)
checks it here against the kinds it may be, so a page saved as `lesson.pdf` or a script
inside a course archive never becomes a lesson. What the system answers from storage takes
its type from the same reading of the bytes: a stored file that is not one of the kinds
allowed for it goes out as an opaque download in a sandbox, never as a page of this site.
"""

import lzma
import struct
import zipfile
import zlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lib.numbers import number

# What reading a hostile ZIP may raise: a damaged or cut archive (BadZipFile, EOFError,
# ValueError on a negative seek), an encrypted entry (RuntimeError), a method or version
# Python does not know (NotImplementedError), a damaged compressed stream (zlib, lzma).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    RuntimeError,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    zlib.error,
    lzma.LZMAError,
    struct.error,
)

MB = 1024 * 1024
HEAD = 64  # enough bytes to tell every kind below

# kind: (the one type it is served as, its name for users)
KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "mp4": ("video/mp4", "MP4"),
    "webm": ("video/webm", "WebM"),
    "ogg": ("video/ogg", "Ogg"),
    "jpeg": ("image/jpeg", "JPEG"),
    "png": ("image/png", "PNG"),
}
OPAQUE = "application/octet-stream"
# On what is served opaque: no script, no plugin, no same-origin anything, even if opened.
SANDBOX_CSP = "sandbox; default-src 'none'"


def sniff(head: bytes) -> str | None:
    """The kind of file these first bytes begin, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head[4:8] == b"ftyp" and head[8:12] != b"qt  ":  # ISO media; QuickTime plays nowhere
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:HEAD]:  # Matroska, WebM
        return "webm"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def head_of(file) -> bytes:
    """The first bytes of an uploaded or opened file, leaving its position where it was."""
    where = file.tell()
    file.seek(0)
    head = file.read(HEAD)
    file.seek(where)
    return head


def names(kinds) -> str:
    return ", ".join(KINDS[k][1] for k in kinds)


def check(head: bytes, size: int, *, kinds: dict[str, int], what: str) -> str:
    """The file's kind if it is one of `kinds` ({kind: largest size in bytes}) and within
    that kind's size; otherwise ValidationError naming what it must be (`what` says which
    file, e.g. "The file of the lesson")."""
    kind = sniff(head)
    if kind not in kinds:
        raise ValidationError(
            _(
                "%(what)s is not a file of the kind %(kinds)s by its content (whatever its name "
                "says)."
            )
            % {"what": what, "kinds": names(kinds)}
        )
    if size > kinds[kind]:
        raise ValidationError(
            _("%(what)s is larger than the limit of %(mb)s MB for a %(kind)s file.")
            % {"what": what, "mb": number(kinds[kind] // MB, True), "kind": KINDS[kind][1]}
        )
    return kind


def served_type(head: bytes, kinds) -> str:
    """The type a stored file is answered with: its kind's own if it is one of `kinds`,
    otherwise opaque bytes."""
    kind = sniff(head)
    return KINDS[kind][0] if kind in kinds else OPAQUE
