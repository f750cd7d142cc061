"""The history pages and the audit log cost the same number of queries whatever the number
of entries and of objects they name (each kind of linked object is read once per page)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import UserRole
from audit.context import acting_as
from people.services import person_create, person_update, position_create
from tests.conftest import make_unit, make_user
from units.services import unit_set_figures

MAX_QUERIES = 16


def grow(tree, n: int) -> None:
    """n grassroots unions under Mê Linh with a chair each, their member counts, and n
    changes of Nguyễn Văn An's unit and post: entries naming many different objects."""
    with acting_as(tree.melinh_officer):
        for i in range(n):
            unit = make_unit(
                f"HN-ML-X{i:03d}",
                f"Công đoàn Công ty số {i}",
                "grassroots",
                tree.melinh,
                sector="non_state",
            )
            unit_set_figures(
                user=tree.melinh_officer,
                unit=unit,
                effective_on=dt.date(2025, 1, 1),
                member_count=100 + i,
            )
            chair = person_create(
                user=tree.melinh_officer,
                unit=unit,
                family_name="Nguyễn",
                middle_name="Văn",
                given_name=f"Số{i}",
                gender="male",
            )
            position_create(
                user=tree.melinh_officer,
                person=chair,
                unit=unit,
                role=tree.chair_role,
                start_date=dt.date(2023, 6, 1),
            )
            person_update(user=tree.melinh_officer, person=tree.nguyen, unit=unit)
            position_create(
                user=tree.melinh_officer,
                person=tree.nguyen,
                unit=unit,
                role=tree.member_role,
                start_date=dt.date(2020, 1, 1) + dt.timedelta(i),
            )


def queries(client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/audit/",
        "/audit/?kind=people.position",
        "/audit/?text=nguyen",
        "/audit/people/{nguyen}/",
        "/audit/units/{melinh}/",
        "/audit/classes/{ml_class}/",
    ],
)
def test_history_pages_and_the_log_issue_a_bounded_number_of_queries(client, tree, url):
    root = make_user("root", tree.vgcl, UserRole.SYSTEM_ADMIN, is_superuser=True)
    client.force_login(
        root if url.startswith("/audit/?") or url == "/audit/" else tree.melinh_officer
    )
    url = url.format(nguyen=tree.nguyen.pk, melinh=tree.melinh.pk, ml_class=tree.ml_class.pk)
    small = queries(client, url)
    grow(tree, 30)
    large = queries(client, url)
    assert large <= MAX_QUERIES and large <= small + 2, (small, large)
