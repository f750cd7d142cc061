"""schemathesis against /api/v1/openapi.json: no server error, no answer that breaks the schema.

Every operation of the OpenAPI document is called with generated data (positive: what the
document declares valid) as Hà Nội's provincial training officer, whose token is sent on each
call, against the WSGI application on the test database with the `tree` personas in it.
Checks: not_a_server_error, response_schema_conformance, status_code_conformance. The run is
bounded (MAX_EXAMPLES per operation, twice that where the path names an object of the tree),
shared out between CI's two runs (tests/databases.py: each database draws half of them from a
seed of its own, the same on every run of that database): ~20 s on SQLite, ~25 s on PostgreSQL.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ApiToken
from api.urls import api
from config.wsgi import application
from tests.api import ApiClient
from tests.databases import database_seed, shared_examples

# Per operation and per strategy (random ids, then the tree's own objects).
MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
SCHEMA.app = application
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture
def wsgi_keeps_connection():
    """The WSGI handler closes the database connection around each request; the test's own
    transaction must survive it (Django's test client disconnects the same signal)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def existing_ids(tree) -> dict:
    """Path parameters naming the tree's own objects, so that the generated requests reach
    past the 404 into the views (random ids mostly name nothing)."""
    from people.models import Position
    from training.models import Enrolment, Lecturer, TrainingRecord

    return {
        "unit_id": tree.melinh.pk,
        "person_id": tree.nguyen.pk,
        "class_id": tree.ml_class.pk,
        "enrolment_id": Enrolment.objects.filter(training_class=tree.ml_class).first().pk,
        "position_id": Position.objects.filter(person=tree.nguyen).first().pk,
        "record_id": getattr(TrainingRecord.objects.filter(person=tree.nguyen).first(), "pk", 1),
        "lecturer_id": Lecturer.objects.filter(person=tree.nguyen).first().pk,
        "year": 2024,
    }


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_operation_keeps_its_schema(tree, wsgi_keeps_connection, operation):
    headers = {"Authorization": f"Bearer {ApiToken.issue(tree.hanoi_officer)}"}
    failures = []
    names = {parameter.name for parameter in operation.path_parameters}
    known = {name: value for name, value in existing_ids(tree).items() if name in names}
    strategy = operation.as_strategy()
    if known:
        strategy = st.one_of(strategy, operation.as_strategy(path_parameters=known))

    @database_seed
    @given(case=strategy)
    @settings(
        max_examples=shared_examples(MAX_EXAMPLES * (2 if known else 1)),
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except AssertionError as exc:
            failures.append(f"{case.method} {case.formatted_path}\n{exc}")

    run()
    assert not failures, "\n\n".join(failures[:3])


@pytest.mark.parametrize(
    "method, path, data",
    [
        ("get", "/units?q=a%00b", None),
        ("get", "/attempts/a%00b", None),
        ("post", "/courses", {"title": "x", "topics": ["a\x00b"]}),
    ],
)
def test_a_null_character_is_refused_before_the_database(tree, method, path, data):
    """Found by the fuzzing on PostgreSQL, which cannot take NUL in text: it was a 500."""
    client = ApiClient(tree.hanoi_officer)
    response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    assert response.status_code == 422, response.content
