"""The content origin of SCORM lessons (elearning.scorm): the launch page that holds the
runtime, the package's files and the runtime's commits. Each answers only on the content
host (404 on the site's own), and the content host answers nothing else
(ContentOriginMiddleware): a package's pages and scripts never run on the site's origin,
and the site's pages are never reached through the content host.

No session exists there: the attempt's signed key in the URL is the only credential, and
these responses set no cookie. The lesson page (elearning.views.learn) frames the launch
page; its key comes from `launch_url`, which only the learner's own page is given."""

import json
import zipfile
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from elearning import media, scorm, services
from elearning.models import LessonKind, ScormAttempt
from lib.downloads import attach

CHUNK = 64 * 1024
ROUTES = {"elearning:scorm_launch", "elearning:scorm_file", "elearning:scorm_commit"}


def launch_url(request: HttpRequest, attempt: ScormAttempt) -> str:
    """The absolute address of the attempt's launch page, on the content origin."""
    token = scorm.make_token(attempt)
    return scorm.content_origin(request) + reverse("elearning:scorm_launch", args=[token])


def frame_policy(request: HttpRequest) -> dict:
    """What the lesson page's Content-Security-Policy adds so it may frame the launch page
    (the site's frame-src allows https: pages; in development the content origin is http)."""
    return {"frame-src": [scorm.content_origin(request)]}


def _site_origins(request: HttpRequest) -> list[str]:
    """The origins that may frame the launch page: the site's own (SITE_URL, and in
    development whatever the learner reached it as)."""
    origins = []
    if settings.SITE_URL:
        origins.append(settings.SITE_URL.rstrip("/"))
    if not getattr(settings, "PRODUCTION", False):
        port = request.get_port()
        for host in ("127.0.0.1", "localhost", "testserver"):
            origins.append(f"{request.scheme}://{host}:{port}")
    return origins


def _attempt(request: HttpRequest, token: str) -> tuple[ScormAttempt, dict]:
    if not scorm.is_content_host(request):
        raise Http404
    try:
        key = scorm.read_token(token)
    except signing.BadSignature:
        raise Http404 from None
    attempt = (
        ScormAttempt.objects.select_related("lesson", "enrolment__person")
        .filter(pk=key["a"], enrolment__person_id=key["p"], lesson_id=key["l"])
        .first()
    )
    if attempt is None or attempt.lesson.kind != LessonKind.SCORM or not attempt.lesson.file:
        raise Http404
    return attempt, key


def _no_cookies(response: HttpResponse) -> HttpResponse:
    response.cookies.clear()
    response["Referrer-Policy"] = "same-origin"  # the key in the URL stays on this origin
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "HEAD"])
def launch(request: HttpRequest, token: str) -> HttpResponse:
    """Our page holding the runtime (scorm-again) with the learner's saved data; the SCO
    opens in its frame, from the same origin, and finds `window.API` (1.2) or
    `window.API_1484_11` (2004) by walking up its parents, as every package does."""
    attempt, _key = _attempt(request, token)
    lesson = attempt.lesson
    base = reverse("elearning:scorm_file", args=[token, "x"])[:-1]
    settings_ = {
        "version": lesson.scorm_version,
        "commitUrl": reverse("elearning:scorm_commit", args=[token]),
        "scoUrl": base + quote(lesson.scorm_launch, safe="/?&=%#;,+:@"),
        "cmi": scorm.starting_data(
            attempt, lesson.scorm_version, attempt.enrolment.person, scorm.stored_sco(lesson)
        ),
    }
    response = render(
        request,
        "elearning/scorm/launch.html",
        {"lesson": lesson, "settings": settings_},
    )
    origin = scorm.content_origin(request)
    response["Content-Security-Policy"] = "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            f"connect-src {origin}{settings_['commitUrl']}",
            f"frame-src {origin}{base}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors " + " ".join(_site_origins(request)),
        ]
    )
    response._csp_exempt = True  # the policy above, not the site's
    response.xframe_options_exempt = True  # framed by the lesson page (frame-ancestors)
    response["Cache-Control"] = "no-store"
    return _no_cookies(response)


def _read(handle, start: int, length: int):
    try:
        if start:
            handle.seek(start)
        remaining = length
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


@require_http_methods(["GET", "HEAD"])
def package_file(request: HttpRequest, token: str, name: str) -> HttpResponse:
    """A file of the attempt's package, read from the stored ZIP (never unpacked on the
    server), with a type by its name among the kinds a course is made of, nosniff, and a
    policy letting the package's own scripts run while nothing loads from elsewhere and
    nothing is sent elsewhere: only this attempt's files and commits are reachable."""
    attempt, _key = _attempt(request, token)
    storage, stored = attempt.lesson.file.storage, attempt.lesson.file.name
    try:
        opened = storage.open(stored, "rb")
    except OSError:
        raise Http404 from None
    try:
        zf = zipfile.ZipFile(opened)
        info = scorm.member(zf, name)
        size = info.file_size
        wanted = media.parse_range(request.headers.get("Range"), size)
        if wanted == "unsatisfiable":
            zf.close()
            opened.close()
            return _no_cookies(
                HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"})
            )
        start, end = wanted if wanted is not None else (0, size - 1)
        handle = zf.open(info)
    except (Http404, *scorm.ZIP_ERRORS):
        opened.close()
        raise Http404 from None
    length = max(0, end - start + 1)
    body = iter(()) if request.method == "HEAD" else _read(handle, start, length)
    if request.method == "HEAD":
        handle.close()
    response = StreamingHttpResponse(
        body, status=206 if wanted is not None else 200, content_type=scorm.content_type(name)
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if wanted is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    if response["Content-Type"] == scorm.OPAQUE:  # not a kind a page may be: saved, not shown
        attach(response, name.rsplit("/", 1)[-1])
    origin = scorm.content_origin(request)
    own = origin + reverse("elearning:scorm_launch", args=[token])
    response["Content-Security-Policy"] = "; ".join(
        [
            f"default-src {own}",
            f"script-src {own} 'unsafe-inline' 'unsafe-eval'",  # authoring tools' own scripts
            f"style-src {own} 'unsafe-inline'",
            f"img-src {own} data: blob:",
            f"media-src {own} data: blob:",
            f"font-src {own} data:",
            f"connect-src {own}",
            f"frame-src {own}",
            "object-src 'none'",
            f"base-uri {own}",
            f"form-action {own}",
            # Every ancestor must match: the launch page, and the lesson page above it.
            "frame-ancestors " + " ".join([origin, *_site_origins(request)]),
        ]
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    response._csp_exempt = True
    response.xframe_options_exempt = True  # framed by the launch page (frame-ancestors)
    response._resource_closers.append(zf.close)
    response._resource_closers.append(opened.close)
    return _no_cookies(response)


@csrf_exempt  # no session on the content origin: the signed key is the credential
@require_POST
def commit(request: HttpRequest, token: str) -> JsonResponse:
    """The runtime's commit (scorm-again's lmsCommitUrl): its elements as JSON. Answered as
    scorm-again reads it, {"result": true|false, "errorCode": n}."""
    if not scorm.is_content_host(request):
        raise Http404
    try:
        key = scorm.read_token(token)
    except signing.SignatureExpired:
        return _no_cookies(JsonResponse({"result": False, "errorCode": 101}, status=403))
    except signing.BadSignature:
        return _no_cookies(JsonResponse({"result": False, "errorCode": 101}, status=403))
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > scorm.COMMIT_LIMIT:
        return _no_cookies(JsonResponse({"result": False, "errorCode": 101}, status=413))
    raw = request.read(scorm.COMMIT_LIMIT + 1)
    if len(raw) > scorm.COMMIT_LIMIT:
        return _no_cookies(JsonResponse({"result": False, "errorCode": 101}, status=413))
    try:
        data = json.loads(raw.decode("utf-8") or "null")
        attempt = services.scorm_commit(key=key, data=data)
    except services.NotThisAttempt:
        return _no_cookies(JsonResponse({"result": False, "errorCode": 101}, status=403))
    except (UnicodeDecodeError, ValueError, RecursionError, ValidationError):
        return _no_cookies(
            JsonResponse(
                {"result": False, "errorCode": 101, "message": _("Not a commit.")}, status=400
            )
        )
    return _no_cookies(
        JsonResponse(
            {
                "result": True,
                "errorCode": 0,
                "done": attempt.lesson_done,
                "completed": attempt.course_completed,
                "certificate": reverse("training:certificate", args=[attempt.completed_record_id])
                if attempt.completed_record_id
                else "",
            }
        )
    )


class ContentOriginMiddleware:
    """On the content host only the routes above (and the static files: the runtime) answer;
    everything else is 404 there, and whatever answers sets no cookie."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not scorm.is_content_host(request):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        if match is None or match.view_name not in ROUTES:
            response = HttpResponse(status=404)
        else:
            response = self.get_response(request)
        return _no_cookies(response)


urlpatterns = [
    path("scorm/<str:token>/", launch, name="scorm_launch"),
    path("scorm/<str:token>/files/<path:name>", package_file, name="scorm_file"),
    path("scorm/<str:token>/commit/", commit, name="scorm_commit"),
]
