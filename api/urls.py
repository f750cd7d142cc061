"""The JSON API, v1: /api/v1/, its OpenAPI document at /api/v1/openapi.json."""

from django.urls import path
from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from api import (
    auth,
    courses,
    errors,
    evaluations,
    imports,
    inspections,
    learning,
    people,
    planning,
    pools,
    quizzes,
    reports,
    retention,
    standards,
    targets,
    training,
    units,
)


class Utf8JSONRenderer(JSONRenderer):
    # Vietnamese stays readable in the raw answer ("Hà Nội", not "H\u00e0 N\u1ed9i").
    json_dumps_params = {"ensure_ascii": False}


class Api(NinjaAPI):
    """The OpenAPI document depends on the code and the language only: it is built once per
    language and process (building it takes about a second each time)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = (path_prefix, tuple(sorted((path_params or {}).items())), get_language())
        if key not in self._schemas:
            self._schemas[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return self._schemas[key]


api = Api(
    title="Đào tạo, bồi dưỡng cán bộ công đoàn — API",
    version="1",
    description=(
        "Every route but `POST /auth/token` needs `Authorization: Bearer <token>`. "
        "A user sees their unit's subtree only: anything outside it is 404. "
        "Dates are ISO `YYYY-MM-DD`; messages follow `Accept-Language` (vi by default)."
    ),
    auth=auth.browser,
    renderer=Utf8JSONRenderer(),
    urls_namespace="api",
)
errors.install(api)
api.add_router("", auth.router)
api.add_router("", units.router)
api.add_router("", people.router)
api.add_router("", training.router)
api.add_router("", targets.router)
api.add_router("", planning.router)
api.add_router("", standards.router)
for module in (
    pools,
    evaluations,
    retention,
    inspections,
    courses,
    learning,
    quizzes,
    imports,
    reports,
):
    api.add_router("", module.router)

urlpatterns = [path("", api.urls)]
