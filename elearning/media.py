"""Serving a lesson's file (a PDF, a video) from storage, streamed in chunks, with HTTP range
requests (RFC 9110 §14) so that a browser plays a video from any point and seeks in it.

Who may have the file is decided by the view (elearning/views/learn.py); this module only
answers the bytes: no Range → 200 with the whole file; one satisfiable range (`bytes=a-b`,
`bytes=a-`, `bytes=-n`) → 206 with Content-Range; a range starting past the end → 416 with
`Content-Range: bytes */size`; several ranges (or a header it does not understand) → 200
with the whole file, which the standard allows.
"""

import os
import re
from collections.abc import Iterator

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header, http_date, quote_etag

from lib import uploads

CHUNK = 64 * 1024
# At most 18 digits a position (an exabyte): a longer one is not understood, so ignored (a
# 4,300-digit number made int() raise).
RANGE = re.compile(r"^\s*bytes\s*=\s*(\d{0,18})\s*-\s*(\d{0,18})\s*$", re.IGNORECASE)


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(first, last) byte positions, both inclusive, of one range; "unsatisfiable"; or None
    when the whole file is to be sent (no header, several ranges, a header not understood)."""
    if not header:
        return None
    match = RANGE.match(header)
    if match is None:  # several ranges, another unit, or nonsense: ignore the header
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # a suffix: the last n bytes
        n = int(last)
        if n == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - n), size - 1
    start = int(first)
    end = int(last) if last != "" else size - 1
    if last != "" and end < start:
        return None  # invalid: ignored, as the standard asks
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size - 1)


def _chunks(opened, start: int, length: int) -> Iterator[bytes]:
    try:
        opened.seek(start)
        remaining = length
        while remaining > 0:
            data = opened.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        opened.close()


def serve(
    request: HttpRequest,
    file: FieldFile,
    *,
    kinds,
    download: bool = False,
) -> HttpResponse:
    """Answer GET/HEAD for `file` with range support; 404 when it is missing from storage.

    Its type is read from its first bytes (lib.uploads), among the `kinds` it may be: never
    from its name. A file that is none of them (one stored before uploads were checked by
    content) goes out as opaque bytes, as a download, in a sandbox."""
    if not file or not file.name:
        raise Http404
    storage, name = file.storage, file.name
    try:
        size = storage.size(name)
        modified = storage.get_modified_time(name)
    except (OSError, NotImplementedError):
        raise Http404 from None
    etag = quote_etag(f"{int(modified.timestamp()):x}-{size:x}")
    last_modified = http_date(modified.timestamp())

    wanted = parse_range(request.headers.get("Range"), size)
    if_range = request.headers.get("If-Range")
    if wanted is not None and if_range and if_range not in (etag, last_modified):
        wanted = None  # the file changed since the client's copy: send all of it
    common = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Last-Modified": last_modified,
        "Cache-Control": "private, max-age=0, must-revalidate",
    }
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416, headers={**common, "Content-Range": f"bytes */{size}"})
        return response

    start, end = wanted if wanted is not None else (0, size - 1)
    length = max(0, end - start + 1)
    try:
        opened = storage.open(name, "rb")
        served_type = uploads.served_type(opened.read(uploads.HEAD), kinds)
    except OSError:
        raise Http404 from None
    if request.method == "HEAD":
        opened.close()
        body: Iterator[bytes] = iter(())
    else:
        body = _chunks(opened, start, length)
    response = StreamingHttpResponse(
        body, status=206 if wanted is not None else 200, content_type=served_type
    )
    for header, value in common.items():
        response[header] = value
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if served_type != "application/pdf":  # the browser's PDF viewer does not run sandboxed
        response["Content-Security-Policy"] = uploads.SANDBOX_CSP
    if served_type == uploads.OPAQUE:
        download = True
    response["Content-Length"] = str(length)
    if wanted is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Disposition"] = content_disposition_header(download, os.path.basename(name))
    return response
