"""The sweep benchmark (bench/sweep_bench.py) times every GET route of the site as three
officers: its list of routes is the URL configuration's own, and it fills every route's
parameters from the data, or says which one it cannot."""

import importlib
import os
import re
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve

from config import urls as site_urls
from lib.dates import today
from tests.conftest import make_user


def a_new_page(request, pk: int) -> HttpResponse:
    return HttpResponse("")


# The site's URL configuration with one page more (test_a_route_added_to_the_site_is_swept).
urlpatterns = [path("a-new-page/<int:pk>/", a_new_page), *site_urls.urlpatterns]


@pytest.fixture
def sweep(monkeypatch):
    # Importing the benchmark sets DATABASE_URL and MEDIA_ROOT when they are unset; keep this
    # process's as they are (subprocesses of later tests inherit them).
    for name in ("DATABASE_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"):
        monkeypatch.setenv(name, os.environ.get(name, "unused"))
    return importlib.import_module("bench.sweep_bench")


def shape(route: str) -> str:
    """A route with its parameters blanked and without the API's prefix or slashes."""
    blanked = re.sub(r"<[^>]+>|\{[^}]+\}", "{}", route)
    return blanked.removeprefix("api/v1/").strip("/")


@pytest.mark.urls("tests.test_bench_sweep")
def test_a_route_added_to_the_site_is_swept(sweep):
    assert "a-new-page/<int:pk>/" in sweep.sweep_routes()


def test_every_url_pattern_is_swept_but_admin_language_and_logout(sweep):
    patterns = []

    def walk(entries, prefix):
        for entry in entries:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                patterns.append(prefix + str(entry.pattern))

    walk(get_resolver().url_patterns, "")
    routes = sweep.sweep_routes()
    expected = {p for p in patterns if not p.startswith(("admin/", "i18n/", "logout/"))}
    assert set(routes) == expected and len(routes) == len(expected)
    assert {"units/", "people/<int:pk>/", "verify/<uuid:code>/", "api/v1/units"} <= expected


def test_every_get_operation_of_the_api_is_swept(sweep):
    from api.urls import api

    swept = {shape(route) for route in sweep.sweep_routes() if route.startswith("api/")}
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    gets = {shape(p) for p, operations in paths.items() if "get" in operations}
    assert gets and gets <= swept, gets - swept


@pytest.mark.django_db
def test_every_route_is_filled_for_every_level(sweep, tree, settings, tmp_path):
    """On the shared tree, with the objects the sweep adds for each level, every route's
    parameters (and the query parameters it requires) are filled, and the address is the
    route's."""
    settings.MEDIA_ROOT = tmp_path
    users = {
        "national": tree.admin,
        "province": tree.hanoi_officer,
        "grassroots": make_user("school_officer", tree.school),
    }
    day = today()
    assert sweep.ensure_objects(users, day)
    unfilled, misfilled = [], []
    for route in sweep.sweep_routes():
        for level, user in users.items():
            try:
                url = sweep.route_url(route, user, day.year)
            except sweep.Unfillable as exc:
                unfilled.append(f"{level}: {exc}")
                continue
            if resolve(urlsplit(url).path).route != route:
                misfilled.append(f"{level}: {route} -> {url}")
    assert not unfilled, "\n".join(unfilled)
    assert not misfilled, "\n".join(misfilled)
    # Each level's objects are the first it may see, of its own subtree before those offered
    # from above: Hà Nội's own unit, a class organised in Hà Nội (not the confederation's).
    from training.models import TrainingClass

    assert sweep.route_url("units/<int:pk>/", tree.hanoi_officer, day.year) == (
        f"/units/{tree.hanoi.pk}/"
    )
    url = sweep.route_url("training/classes/<int:pk>/", tree.hanoi_officer, day.year)
    organiser = TrainingClass.objects.get(pk=url.split("/")[3]).organiser
    assert organiser.path.startswith(tree.hanoi.path)
    # The API gets the query parameters it requires (here a first year).
    url = sweep.route_url("api/v1/units/<unit_id>/training-results", tree.hanoi_officer, day.year)
    assert url == f"/api/v1/units/{tree.hanoi.pk}/training-results?from_year={day.year}"


@pytest.mark.django_db
def test_a_parameter_the_sweep_does_not_know_is_reported(sweep, tree):
    with pytest.raises(sweep.Unfillable, match="mystery"):
        sweep.route_url("units/<int:pk>/people/<int:mystery>/", tree.hanoi_officer, 2026)
