"""Retention means leaving union work (issue 21, point 9).

000: "một số cán bộ công đoàn sau khi được đi đào tạo bồi dưỡng nghiệp vụ chưa có nhiều thời
gian cống hiến cho tổ chức Công đoàn đã được điều động, luân chuyển công tác khác" — the loss is
leaving union work. Someone whose post ended but who held another union post (any unit) after
it within the window — the day after, or taken up by the window's end — "moved within the
union": counted apart, never as a loss. Someone who did not left union work. The page, its
Excel export, the list behind each figure and the API say the same."""

import datetime as dt
import io

import openpyxl
from django.urls import reverse
from django.utils.translation import gettext

from accounts.access import SYSTEM
from cadrework import retention
from people.models import Role
from people.services import position_create
from tests.api import ApiClient
from tests.cadrework.test_retention import LATER, MARCH, after, cadre, cohort, train

PERIOD = {"start": "2022-03-01", "end": "2022-03-31", "on": LATER.isoformat()}


def moved_on(person, unit, day, role="executive_member"):
    """The person takes another union post on `day`."""
    position_create(
        user=SYSTEM, person=person, unit=unit, role=Role.objects.get(code=role), start_date=day
    )


def world(tree):
    """Trained 15/03/2022 at Mê Linh's school: Lâm rotated after 5 months to a post in Đông Anh
    the next day; Hà rotated after 5 months and took a Mê Linh post 3 days later; Quý rotated
    after 5 months and came back to a union post 18 months after training; Vũ left after 7
    months for good; Tâm stays."""
    lam = cadre(tree.school, "Lâm", ended=(after(5), "rotated"))
    moved_on(lam, tree.factory, after(5) + dt.timedelta(days=1))
    ha = cadre(tree.school, "Hà", ended=(after(5), "rotated"))
    moved_on(ha, tree.melinh, after(5) + dt.timedelta(days=3))
    quy = cadre(tree.school, "Quý", ended=(after(5), "rotated"))
    moved_on(quy, tree.school, after(18))
    vu = cadre(tree.school, "Vũ", ended=(after(7), "left"))
    tam = cadre(tree.school, "Tâm")
    for person in (lam, ha, quy, vu, tam):
        train(person)


def test_a_rotation_to_another_union_post_is_not_a_loss(tree):
    """Within 6 months Lâm and Hà moved and Quý left; within 12 Vũ left too; within 24 Quý is
    back in union work: moved, no longer lost."""
    world(tree)
    figures = retention.totals(cohort(tree.school))
    assert figures.trained == 5
    assert [(w.months, w.left, w.moved) for w in figures.windows] == [
        (6, 1, 2),
        (12, 2, 2),
        (24, 1, 3),
    ]
    assert figures.window(12).percent == 40  # Vũ and Quý of 5: the moves are not losses

    def listed(months, moved=False):
        rows = retention.people(cohort(tree.school), months, moved=moved)
        return {r.person.given_name for r in rows}

    assert (listed(12), listed(12, moved=True)) == ({"Quý", "Vũ"}, {"Lâm", "Hà"})
    assert (listed(24), listed(24, moved=True)) == ({"Vũ"}, {"Lâm", "Hà", "Quý"})


def test_the_page_the_export_and_the_api_say_the_same(client, tree):
    world(tree)
    client.force_login(tree.melinh_officer)
    params = {
        "unit": tree.school.pk,
        "from": MARCH[0].strftime("%d/%m/%Y"),
        "to": MARCH[1].strftime("%d/%m/%Y"),
        "on": LATER.strftime("%d/%m/%Y"),
    }
    html = client.get(reverse("cadrework:retention"), params).content.decode()
    assert 'data-moved="12"' in html
    listed = client.get(reverse("cadrework:retention_people"), {**params, "months": 12, "moved": 1})
    text = listed.content.decode()
    assert "Lâm" in text and "Hà" in text and "Vũ" not in text and "Quý" not in text

    data = client.get(reverse("cadrework:retention"), {**params, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(data.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == gettext("Total") and isinstance(r[1], int))
    # trained, then per window: known, left, %, moved
    assert total[1:] == (5, 5, 1, 20, 2, 5, 2, 40, 2, 5, 1, 20, 3)

    api = ApiClient(tree.melinh_officer)
    body = api.get(f"/units/{tree.school.pk}/retention", PERIOD).json()
    windows = {w["months"]: (w["left"], w["moved"]) for w in body["totals"]["windows"]}
    assert windows == {6: (1, 2), 12: (2, 2), 24: (1, 3)}
    people = api.get(
        f"/units/{tree.school.pk}/retention/people", {**PERIOD, "months": 12, "moved": "true"}
    ).json()
    assert sorted(p["full_name"].split()[-1] for p in people["items"]) == ["Hà", "Lâm"]
    left = api.get(f"/units/{tree.school.pk}/retention/people", {**PERIOD, "months": 12}).json()
    assert sorted(p["full_name"].split()[-1] for p in left["items"]) == ["Quý", "Vũ"]
