"""The JSON API, v1: /api/v1/, its OpenAPI document at /api/v1/openapi.json."""

from django.urls import path
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


api = NinjaAPI(
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
