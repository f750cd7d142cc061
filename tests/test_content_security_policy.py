"""Content-Security-Policy: on every answer, scripts from this site only (no inline script,
no eval), no plugins, no framing of our pages; and no template that would need more."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.elearning.test_learn import make_learn_world

ROOT = Path(__file__).resolve().parent.parent


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_the_policy_is_strict_for_scripts_plugins_and_frames(client, tree):
    directives = policy(client.get("/login/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["media-src"] == ["'self'"]
    # <style> elements from this site only; style="" attributes (bar widths) are allowed.
    assert directives["style-src"] == ["'self'"]
    assert directives["style-src-attr"] == ["'unsafe-inline'"]
    # Embedded lesson videos: any https page (elearning.views.learn.embed_src).
    assert directives["frame-src"] == ["'self'", "https:"]
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE


@pytest.mark.parametrize(
    "url", ["/targets/", "/people/", "/units/", "/account/", "/admin/", "/api/v1/units"]
)
def test_every_kind_of_answer_carries_it(client, tree, url):
    client.force_login(tree.admin)
    response = client.get(url)
    assert response.status_code in (200, 401)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_lesson_file_may_be_framed_by_our_own_pages_only(client, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_learn_world(tree)
    client.force_login(world.cadre)
    client.post(reverse("elearning:learn_enrol", args=[world.course.pk]))
    response = client.get(reverse("elearning:learn_file", args=[world.pdf.pk]))
    assert policy(response)["frame-ancestors"] == ["'self'"]
    assert policy(response)["script-src"] == ["'self'"]


def test_an_http_video_link_is_linked_not_framed(client, tree, settings, tmp_path):
    """frame-src allows https: only, so the lesson frames https links only (an http page
    framed by an https site is blocked as mixed content anyway)."""
    settings.MEDIA_ROOT = tmp_path
    world = make_learn_world(tree)
    world.embed.embed_url = "http://video.example.vn/xem/1"
    world.embed.save()
    client.force_login(world.cadre)
    client.post(reverse("elearning:learn_enrol", args=[world.course.pk]))
    html = client.get(reverse("elearning:learn_lesson", args=[world.embed.pk])).content.decode()
    assert "<iframe" not in html
    assert 'href="http://video.example.vn/xem/1"' in html


# --- the templates need nothing the policy refuses -------------------------------------------


def html_sources() -> list[Path]:
    """The site's own pages. A SCORM package (tests/fixtures/scorm) is not one: like those
    authoring tools make, it uses inline scripts, and it runs only on the content origin under
    a policy of its own (elearning/views/scorm.py)."""
    skip = {".venv", ".tools", "node_modules", "staticfiles", "media", ".git", "fixtures"}
    return sorted(
        p for p in ROOT.rglob("*.html") if not skip.intersection(p.relative_to(ROOT).parts)
    )


TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)
HANDLER = re.compile(r"\son[a-z]{3,}\s*=", re.I)


def offences(text: str) -> list[str]:
    found = []
    for tag in TAG.findall(text):
        name = tag[1:].split(None, 1)[0].rstrip(">").lower()
        if name == "script" and not re.search(r"\ssrc\s*=", tag):
            found.append(f"inline script: {tag[:80]}")
        if name == "style":
            found.append(f"<style> element: {tag[:80]}")
        if HANDLER.search(tag):
            found.append(f"event-handler attribute: {tag[:80]}")
        if re.search(r"\shx-on", tag):
            found.append(f"htmx inline handler (needs eval): {tag[:80]}")
    if re.search(r"javascript:", text, re.I):
        found.append("javascript: URL")
    return found


def test_the_scan_finds_what_it_looks_for():
    assert (
        len(
            offences(
                '<script>alert(1)</script><p style="x">'
                '<button onclick="go()">'
                '<a href="JavaScript:void(0)">'
                '<div hx-on:click="x">'
                "<style>p{}</style>"
            )
        )
        == 5
    )
    assert (
        offences(
            '<script src="/static/app.js" defer></script>'
            '<button data-confirm="Bỏ câu hỏi?" class="one">'
        )
        == []
    )


def test_no_template_or_static_page_has_inline_script_or_handlers():
    sources = html_sources()
    assert len(sources) > 80  # the walk found the apps' templates
    bad = {str(p.relative_to(ROOT)): o for p in sources if (o := offences(p.read_text()))}
    assert not bad
