"""Filling a post checks the pool, the training the post requires and last year's rating;
an appointment outside the pool needs a reason, which is kept."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.access import SYSTEM
from cadrework.models import Appointment, Evaluation
from people.models import Position, Role


@pytest.fixture
def vice_chair():
    return Role.objects.get(code="vice_chair")


def appoint(client, person, unit, role, **extra):
    data = {
        "unit": unit.code,
        "role": role.pk,
        "start_date": "01/02/2026",
        "start_reason": "appointed",
        "full_time": "on",
        **extra,
    }
    return client.post(reverse("people:position_create", args=[person.pk]), data)


def test_appointing_outside_the_pool_needs_a_reason(pool_world, client, vice_chair):
    w, tree = pool_world, pool_world.tree
    client.force_login(tree.melinh_officer)
    response = appoint(client, w.young, tree.melinh, vice_chair)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["appointment_reason"])
    assert "quy hoạch" in errors or "pool" in errors
    assert not Position.objects.filter(person=w.young, role=vice_chair).exists()
    assert not Appointment.objects.exists()

    response = appoint(
        client,
        w.young,
        tree.melinh,
        vice_chair,
        appointment_reason="Cán bộ trẻ có năng lực, đề nghị của Ban Thường vụ",
    )
    assert response.status_code == 302
    position = Position.objects.get(person=w.young, role=vice_chair)
    logged = Appointment.objects.get(position=position)
    assert (logged.in_pool, logged.trained, logged.rated) == (False, True, False)
    assert logged.reason == "Cán bộ trẻ có năng lực, đề nghị của Ban Thường vụ"
    assert logged.user == tree.melinh_officer


def pooled_and_rated(w, reason: str) -> None:
    """The young woman of the pool world put in the pool and rated "good" for 2025."""
    from cadrework import services

    services.entry_add(
        user=SYSTEM, pool=w.pool, person=w.young, reason=reason, on=dt.date(2025, 1, 1)
    )
    Evaluation.objects.create(
        person=w.young,
        unit=w.tree.school,
        role=Role.objects.get(code="executive_member"),
        year=2025,
        rating="good",
        approved_by=w.tree.melinh,
    )


def test_appointing_from_the_pool_trained_and_rated_needs_none(pool_world, client, vice_chair):
    w, tree = pool_world, pool_world.tree
    pooled_and_rated(w, "Trẻ, nữ")
    client.force_login(tree.melinh_officer)
    assert appoint(client, w.young, tree.melinh, vice_chair).status_code == 302
    logged = Appointment.objects.get()
    assert (logged.in_pool, logged.trained, logged.rated, logged.reason) == (True, True, True, "")


def test_elections_and_units_without_a_pool_are_not_held_up(pool_world, client, vice_chair):
    w, tree = pool_world, pool_world.tree
    client.force_login(tree.melinh_officer)
    # Elected by a congress: the findings are kept, no reason is asked.
    assert (
        appoint(client, w.young, tree.melinh, vice_chair, start_reason="elected").status_code == 302
    )
    assert Appointment.objects.get().in_pool is False
    # Đông Anh keeps no pool for its vice-chair: nothing binds the appointment.
    client.force_login(tree.hanoi_officer)
    assert appoint(client, tree.tran, tree.donganh, vice_chair).status_code == 302


def test_the_api_asks_for_the_reason_too(pool_world, client, vice_chair):
    from accounts.models import ApiToken

    w, tree = pool_world, pool_world.tree
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(tree.melinh_officer)}"}
    body = {
        "person": w.young.pk,
        "unit": tree.melinh.pk,
        "role": vice_chair.pk,
        "start_date": "2026-02-01",
        "start_reason": "appointed",
    }
    response = client.post("/api/v1/positions", body, content_type="application/json", **headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "appointment_reason"
    response = client.post(
        "/api/v1/positions",
        {**body, "appointment_reason": "Cần gấp"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.json()
    assert Appointment.objects.get().reason == "Cần gấp"
