"""The installable app of the self-service pages (issue 25 §3): its manifest, its service
worker (served from the site's root so that it may serve every page of the app), the page
shown when a page was never saved, and the endpoint that receives progress made offline.

The rules of what counts live in elearning/offline.py; the worker's behaviour in
static/js/sw.js, the page's side (registering it, the queue, the banner) in static/js/pwa.js.
"""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from elearning import offline

# What the worker keeps from the start (the app's shell): enough to show a saved page.
SHELL = (
    "css/app.css",
    "js/app.js",
    "js/pwa.js",
    "elearning/lesson.js",
    "django_htmx/htmx-2.min.js",
    "icons/icon-192.png",
)


@require_GET
@cache_control(max_age=86400)
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: the app opens on the cadre's own page."""
    data = {
        "name": "Đào tạo cán bộ công đoàn",
        "short_name": "Đào tạo CĐ",
        "description": _("Your training obligations, classes, certificates and online courses."),
        "lang": "vi",
        "start_url": "/me/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b4f9c",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


def _worker_source() -> str:
    found = finders.find("js/sw.js")
    if found is None:
        raise Http404
    return Path(found).read_text(encoding="utf-8")


@require_GET
@cache_control(no_cache=True)  # a browser checks for a new worker on every visit
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js with the app shell's addresses (hashed in production) and a version
    that changes with them, so that a new deployment replaces the old worker."""
    shell = [static(name) for name in SHELL] + ["/offline/"]
    source = _worker_source()
    version = hashlib.sha256(
        (source + json.dumps(shell) + settings.STATIC_URL).encode()
    ).hexdigest()[:12]
    source = source.replace("/*SHELL*/[]", json.dumps(shell)).replace(
        '"/*VERSION*/"', json.dumps(version)
    )
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """What the app shows for a page it never saved while there is no connection. The same
    for everyone (no name, no data): the worker keeps it in the shared shell."""
    return render(request, "app/offline.html")


@login_required
@require_POST
def sync(request: HttpRequest) -> JsonResponse:
    """Progress made offline: {"events": [...]} in JSON, at most offline.MAX_EVENTS events and
    offline.MAX_BODY_BYTES bytes; answered per event, accepted or refused with the reason."""
    if request.user.person_id is None:
        raise Http404
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > offline.MAX_BODY_BYTES:
        return JsonResponse({"error": _("Too much progress sent at once.")}, status=413)
    if len(request.body) > offline.MAX_BODY_BYTES:
        return JsonResponse({"error": _("Too much progress sent at once.")}, status=413)
    try:
        events = json.loads(request.body or b"null").get("events")
    except (ValueError, AttributeError, UnicodeDecodeError):
        events = None
    if not isinstance(events, list):
        return JsonResponse({"error": _("The progress sent is not readable.")}, status=400)
    if len(events) > offline.MAX_EVENTS:
        return JsonResponse({"error": _("Too much progress sent at once.")}, status=413)
    return JsonResponse({"results": offline.sync(request.user, events)})


urlpatterns = [
    path("learn/sync/", sync, name="learn_sync"),
]
