"""Inspections of lower units' cadre work through the pages: Hà Nội inspects Mê Linh and
requires two follow-up actions; Mê Linh marks one done, the other becomes overdue. Only a
unit above inspects; the subtree sees, nobody else does; read-only accounts write nothing;
bad input is refused with nothing written; the list costs the same queries whatever its
size."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import SYSTEM
from cadrework import inspections as rules
from cadrework.models import FollowUp, Inspection
from tests.conftest import make_user
from tests.exports.sheets import row, sheet

HELD_ON = dt.date(2025, 2, 10)
FINDINGS = "Chưa rà soát quy hoạch cán bộ năm 2025; 3 cán bộ chuyên trách chưa qua đào tạo."


@pytest.fixture
def on_day(monkeypatch):
    """Move 'today' (lib.dates.today, through timezone.localdate) to a given day."""

    def move(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    move(dt.date(2025, 3, 1))
    return move


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def form_errors(response, form="form") -> dict:
    return {
        field: [str(e) for e in errors] for field, errors in response.context[form].errors.items()
    }


def inspection_data(**extra) -> dict:
    data = {
        "inspected": "HN-ML",
        "held_on": "10/02/2025",
        "areas": ["planning", "training"],
        "findings": FINDINGS,
    }
    data.update(extra)
    return data


def url(name: str, *args) -> str:
    return reverse(f"cadrework:{name}", args=args)


def record(tree, inspected=None, held_on=HELD_ON, deadlines=()) -> Inspection:
    """Hà Nội's inspection (of Mê Linh by default) through the rules, with follow-ups."""
    return rules.inspection_create(
        user=tree.hanoi_officer,
        inspected=inspected or tree.melinh,
        held_on=held_on,
        areas=["planning", "appointments"],
        findings=FINDINGS,
        follow_ups=[{"action": f"Việc {i + 1}", "deadline": d} for i, d in enumerate(deadlines)],
    )


# --- the story ------------------------------------------------------------------------------


def test_hanoi_inspects_melinh_which_does_one_follow_up_the_other_becomes_overdue(
    tree, client, on_day
):
    client.force_login(tree.hanoi_officer)
    assert client.get(url("inspection_create")).status_code == 200
    response = client.post(url("inspection_create"), inspection_data())
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response.url == url("inspection_detail", inspection.pk)
    assert (inspection.inspecting, inspection.inspected, inspection.held_on) == (
        tree.hanoi,
        tree.melinh,
        HELD_ON,
    )
    assert inspection.areas == "planning,training"  # codes, whatever the language
    assert inspection.findings == FINDINGS

    for action, deadline in (
        ("Rà soát, bổ sung quy hoạch cán bộ", "31/03/2025"),
        ("Cử 3 cán bộ chuyên trách đi bồi dưỡng", "30/04/2025"),
    ):
        response = client.post(
            url("inspection_follow_up_add", inspection.pk), {"action": action, "deadline": deadline}
        )
        assert response.status_code == 302, form_errors(response, "follow_up_form")
    first, second = inspection.follow_ups.order_by("deadline")
    page = client.get(url("inspection_detail", inspection.pk)).content.decode()
    assert f"{gettext('Planning')}, {gettext('Training')}" in page
    assert "Rà soát, bổ sung quy hoạch cán bộ" in page and "31/03/2025" in page
    assert page.count('data-status="open"') == 2

    # Mê Linh, the inspected unit, sees it and reports the first action done.
    on_day(dt.date(2025, 3, 25))
    client.force_login(tree.melinh_officer)
    listing = client.get(url("inspection_list")).content.decode()
    assert f'data-inspection="{inspection.pk}"' in listing
    page = client.get(url("inspection_detail", inspection.pk)).content.decode()
    assert url("inspection_follow_up_done", first.pk) in page
    assert url("inspection_follow_up_add", inspection.pk) not in page  # not Mê Linh's to add
    response = client.post(
        url("inspection_follow_up_done", first.pk), {"done_on": "20/03/2025"}, follow=True
    )
    assert gettext("The follow-up action was marked done.") in messages_of(response)
    first.refresh_from_db()
    assert first.done_on == dt.date(2025, 3, 20)
    # Once only.
    response = client.post(
        url("inspection_follow_up_done", first.pk), {"done_on": "21/03/2025"}, follow=True
    )
    assert messages_of(response) == [
        gettext("This follow-up was already done on %(day)s.") % {"day": "20/03/2025"}
    ]
    first.refresh_from_db()
    assert first.done_on == dt.date(2025, 3, 20)

    # The second one's deadline passes: it is overdue, on the detail and on both lists.
    assert rules.status_of(second, dt.date(2025, 4, 30)) == "open"
    on_day(dt.date(2025, 5, 5))
    assert rules.status_of(second) == "overdue"
    page = client.get(url("inspection_detail", inspection.pk)).content.decode()
    assert 'data-status="done"' in page and 'data-status="overdue"' in page
    for user in (tree.melinh_officer, tree.hanoi_officer):
        client.force_login(user)
        response = client.get(url("inspection_list"))
        assert [f.pk for f in response.context["overdue"]] == [second.pk]
        row_ = response.context["page"].object_list[0]
        assert (row_.follow_up_count, row_.open_count, row_.overdue_count) == (2, 1, 1)
        assert row_.area_labels == [gettext("Planning"), gettext("Training")]


def test_the_list_exports_inspections_and_follow_ups(tree, client, on_day):
    inspection = record(tree, deadlines=[dt.date(2025, 2, 20), dt.date(2025, 6, 30)])
    client.force_login(tree.hanoi_officer)
    rows = [row(r) for r in sheet(client.get(url("inspection_list"), {"format": "xlsx"}))]
    assert rows[0] == [gettext("Inspections of cadre work — %(unit)s") % {"unit": tree.hanoi.name}]
    assert [
        HELD_ON,
        tree.hanoi.name,
        "HN-ML",
        tree.melinh.name,
        f"{gettext('Planning')}, {gettext('Appointments')}",
        FINDINGS,
        2.0,
        2.0,
        1.0,
    ] in rows
    assert [
        HELD_ON,
        "HN-ML",
        tree.melinh.name,
        "Việc 1",
        dt.date(2025, 2, 20),
        "",
        gettext("Overdue"),
    ] in rows
    assert [
        HELD_ON,
        "HN-ML",
        tree.melinh.name,
        "Việc 2",
        dt.date(2025, 6, 30),
        "",
        gettext("Open"),
    ] in rows
    # Ninh Thuận's export has the headers and nothing of Hà Nội's.
    client.force_login(tree.nt_officer)
    exported = sheet(client.get(url("inspection_list"), {"format": "xlsx"}))
    assert not [r for r in exported if "HN-ML" in r or FINDINGS in r]
    assert inspection.follow_ups.count() == 2


def test_the_inspecting_unit_corrects_the_inspection(tree, client, on_day):
    inspection = record(tree, deadlines=[dt.date(2025, 2, 20)])
    client.force_login(tree.hanoi_officer)
    response = client.post(
        url("inspection_edit", inspection.pk),
        {"held_on": "12/02/2025", "areas": ["evaluation"], "findings": "Đã sửa."},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.held_on, inspection.areas, inspection.findings) == (
        dt.date(2025, 2, 12),
        "evaluation",
        "Đã sửa.",
    )
    # Not after a follow-up's deadline.
    response = client.post(
        url("inspection_edit", inspection.pk),
        {"held_on": "25/02/2025", "areas": ["evaluation"], "findings": "Đã sửa."},
    )
    assert response.status_code == 200 and "held_on" in form_errors(response)
    inspection.refresh_from_db()
    assert inspection.held_on == dt.date(2025, 2, 12)
    # Mê Linh sees it but does not change it.
    client.force_login(tree.melinh_officer)
    page = client.get(url("inspection_detail", inspection.pk)).content.decode()
    assert url("inspection_edit", inspection.pk) not in page
    assert client.get(url("inspection_edit", inspection.pk)).status_code == 403
    assert (
        client.post(
            url("inspection_edit", inspection.pk),
            {"held_on": "12/02/2025", "areas": ["training"], "findings": "x"},
        ).status_code
        == 403
    )
    response = client.post(
        url("inspection_follow_up_add", inspection.pk),
        {"action": "Tự thêm", "deadline": "30/06/2025"},
    )
    assert response.status_code == 200
    refusal = gettext(
        "Only %(unit)s, which made the inspection, or a unit above it can change it."
    ) % {"unit": tree.hanoi.name}
    assert form_errors(response, "follow_up_form")["__all__"] == [refusal]
    inspection.refresh_from_db()
    assert inspection.areas == "evaluation" and inspection.follow_ups.count() == 1


# --- who inspects, who sees, who writes -----------------------------------------------------


def test_melinh_cannot_inspect_hanoi_nor_itself(tree, client, on_day):
    client.force_login(tree.melinh_officer)
    response = client.post(url("inspection_create"), inspection_data(inspected="HN"))
    assert form_errors(response)["inspected"] == [
        gettext("%(inspected)s is not below %(unit)s: a unit inspects only the units below it.")
        % {"inspected": tree.hanoi.name, "unit": tree.melinh.name}
    ]
    response = client.post(url("inspection_create"), inspection_data(inspected="HN-ML"))
    assert form_errors(response)["inspected"] == [
        gettext("A unit cannot inspect itself: choose a unit below %(unit)s.")
        % {"unit": tree.melinh.name}
    ]
    # A sibling or another province is simply unknown: its name is not given away.
    for code in ("HN-DA", "NT"):
        response = client.post(url("inspection_create"), inspection_data(inspected=code))
        assert form_errors(response)["inspected"] == [
            gettext("No unit with code %(code)s in your scope.") % {"code": code}
        ]
        assert tree.donganh.name not in response.content.decode()
    assert not Inspection.objects.exists()
    # Below Mê Linh is fine.
    response = client.post(url("inspection_create"), inspection_data(inspected="HN-ML-01"))
    assert response.status_code == 302
    assert Inspection.objects.get().inspecting == tree.melinh
    # The rules say the same to any caller.
    with pytest.raises(ValidationError):
        rules.inspection_create(
            user=tree.melinh_officer,
            inspected=tree.hanoi,
            held_on=HELD_ON,
            areas="planning",
            findings=FINDINGS,
        )
    with pytest.raises(ValidationError):
        rules.inspection_create(
            user=tree.hanoi_officer,
            inspected=tree.hanoi,
            held_on=HELD_ON,
            areas="planning",
            findings=FINDINGS,
        )


def test_ninh_thuan_sees_nothing_of_it(tree, client, on_day):
    inspection = record(tree, deadlines=[dt.date(2025, 2, 20)])
    follow_up = inspection.follow_ups.get()
    client.force_login(tree.nt_officer)
    response = client.get(url("inspection_list"))
    assert not list(response.context["page"].object_list) and not response.context["overdue"]
    body = response.content.decode()
    assert tree.melinh.name not in body and FINDINGS not in body
    assert client.get(url("inspection_list"), {"unit": tree.melinh.pk}).status_code == 404
    assert client.get(url("inspection_detail", inspection.pk)).status_code == 404
    for name, pk in (
        ("inspection_detail", inspection.pk),
        ("inspection_edit", inspection.pk),
        ("inspection_follow_up_add", inspection.pk),
        ("inspection_follow_up_done", follow_up.pk),
    ):
        for method in (client.get, client.post):
            assert method(
                url(name, pk), {"action": "x", "deadline": "01/06/2025", "done_on": "01/03/2025"}
            ).status_code in (404, 405)
    follow_up.refresh_from_db()
    assert follow_up.done_on is None and inspection.follow_ups.count() == 1
    # Đông Anh, a sibling under Hà Nội, does not see Mê Linh's either.
    client.force_login(make_user("donganh", tree.donganh))
    assert client.get(url("inspection_detail", inspection.pk)).status_code == 404
    assert not list(client.get(url("inspection_list")).context["page"].object_list)


def test_the_inspected_unit_and_those_above_see_it_units_between_do_not_mark_done(
    tree, client, on_day
):
    """Hà Nội inspects a school under Mê Linh: Mê Linh sees it, but only the school (or Hà
    Nội) reports the follow-ups done."""
    inspection = record(tree, inspected=tree.school, deadlines=[dt.date(2025, 6, 30)])
    follow_up = inspection.follow_ups.get()
    client.force_login(tree.melinh_officer)
    assert client.get(url("inspection_detail", inspection.pk)).status_code == 200
    assert [i.pk for i in client.get(url("inspection_list")).context["page"].object_list] == [
        inspection.pk
    ]
    response = client.post(
        url("inspection_follow_up_done", follow_up.pk), {"done_on": "01/03/2025"}, follow=True
    )
    assert messages_of(response) == [
        gettext(
            "Only %(unit)s, the inspected unit, or the inspecting unit marks its follow-ups done."
        )
        % {"unit": tree.school.name}
    ]
    follow_up.refresh_from_db()
    assert follow_up.done_on is None
    client.force_login(make_user("school", tree.school))
    client.post(url("inspection_follow_up_done", follow_up.pk), {"done_on": "01/03/2025"})
    follow_up.refresh_from_db()
    assert follow_up.done_on == dt.date(2025, 3, 1)


def test_the_read_only_inspector_sees_but_cannot_write(tree, client, on_day):
    inspection = record(tree, deadlines=[dt.date(2025, 6, 30)])
    follow_up = inspection.follow_ups.get()
    client.force_login(tree.inspector)
    assert client.get(url("inspection_list")).status_code == 200
    page = client.get(url("inspection_detail", inspection.pk)).content.decode()
    assert FINDINGS in page
    assert url("inspection_follow_up_done", follow_up.pk) not in page
    assert url("inspection_follow_up_add", inspection.pk) not in page
    assert url("inspection_create") not in client.get(url("inspection_list")).content.decode()
    assert client.get(url("inspection_create")).status_code == 403
    assert client.post(url("inspection_create"), inspection_data()).status_code == 403
    assert (
        client.post(
            url("inspection_edit", inspection.pk),
            {"held_on": "10/02/2025", "areas": ["training"], "findings": "x"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            url("inspection_follow_up_add", inspection.pk),
            {"action": "x", "deadline": "30/06/2025"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            url("inspection_follow_up_done", follow_up.pk), {"done_on": "01/03/2025"}
        ).status_code
        == 403
    )
    assert Inspection.objects.count() == 1 and FollowUp.objects.count() == 1
    follow_up.refresh_from_db()
    assert follow_up.done_on is None
    inspection.refresh_from_db()
    assert inspection.areas == "planning,appointments"
    with pytest.raises(ValidationError):
        rules.follow_up_add(
            user=tree.inspector, inspection=inspection, action="x", deadline=dt.date(2025, 6, 30)
        )


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"held_on": "02/03/2025"}, "held_on", "The inspection cannot be dated in the future."),
        ({"held_on": "31/02/2025"}, "held_on", "Enter a valid date."),
        (
            {"areas": ["planning", "budget"]},
            "areas",
            "Select a valid choice. %(value)s is not one of the available choices.",
        ),
        ({"areas": []}, "areas", "This field is required."),
        ({"findings": "   "}, "findings", "This field is required."),
        ({"inspected": ""}, "inspected", "This field is required."),
    ],
)
def test_bad_inspections_are_refused_and_nothing_is_written(
    tree, client, on_day, data, field, message
):
    client.force_login(tree.hanoi_officer)
    response = client.post(url("inspection_create"), inspection_data(**data))
    assert response.status_code == 200
    assert form_errors(response)[field] == [
        gettext(message) % {"value": "budget"} if "%(value)s" in message else gettext(message)
    ]
    assert not Inspection.objects.exists()


def test_bad_follow_ups_are_refused_and_nothing_is_written(tree, client, on_day):
    inspection = record(tree, deadlines=[dt.date(2025, 3, 31)])
    follow_up = inspection.follow_ups.get()
    client.force_login(tree.hanoi_officer)
    for data, field, message in (
        ({"action": "Bổ sung hồ sơ"}, "deadline", gettext("This field is required.")),
        (
            {"action": "Bổ sung hồ sơ", "deadline": "01/02/2025"},
            "deadline",
            gettext("The deadline cannot be before the inspection (%(day)s).")
            % {"day": "10/02/2025"},
        ),
        ({"action": " ", "deadline": "30/04/2025"}, "action", gettext("This field is required.")),
    ):
        response = client.post(url("inspection_follow_up_add", inspection.pk), data)
        assert response.status_code == 200
        assert form_errors(response, "follow_up_form")[field] == [message]
        assert 'id="follow-up-form"' in response.content.decode()
    assert inspection.follow_ups.count() == 1

    client.force_login(tree.melinh_officer)
    for done_on, message in (
        (
            "09/02/2025",
            gettext("The action cannot be done before the inspection (%(day)s).")
            % {"day": "10/02/2025"},
        ),
        ("02/03/2025", gettext("The date cannot be in the future.")),
        ("", f"{gettext('Done on')}: {gettext('This field is required.')}"),
    ):
        response = client.post(
            url("inspection_follow_up_done", follow_up.pk), {"done_on": done_on}, follow=True
        )
        assert messages_of(response) == [message]
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_the_rules_refuse_a_whole_inspection_when_one_follow_up_is_bad(tree, on_day):
    with pytest.raises(ValidationError) as refused:
        rules.inspection_create(
            user=tree.hanoi_officer,
            inspected=tree.melinh,
            held_on=HELD_ON,
            areas=["planning", "hiring"],
            findings=FINDINGS,
            follow_ups=[
                {"action": "Một", "deadline": dt.date(2025, 3, 1)},
                {"action": "Hai", "deadline": None},
            ],
        )
    assert set(refused.value.message_dict) == {"areas", "follow_ups.1.deadline"}
    assert not Inspection.objects.exists() and not FollowUp.objects.exists()
    assert rules.clean_areas("appointments, planning,planning") == "planning,appointments"


# --- bounded queries ------------------------------------------------------------------------


def queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"format": "xlsx"}])
def test_the_list_costs_the_same_queries_with_1_and_20_inspections(tree, client, on_day, params):
    record(tree, deadlines=[dt.date(2025, 2, 20), dt.date(2025, 6, 30)])
    client.force_login(tree.hanoi_officer)
    small = queries(client, url("inspection_list"), params)
    for i in range(19):
        record(
            tree,
            inspected=(tree.melinh, tree.donganh, tree.school)[i % 3],
            held_on=dt.date(2025, 1, 1 + i),
            deadlines=[dt.date(2025, 2, 1 + i), dt.date(2025, 6, 1 + i)],
        )
    assert queries(client, url("inspection_list"), params) == small


def test_the_detail_costs_the_same_queries_with_1_and_20_follow_ups(tree, client, on_day):
    inspection = record(tree, deadlines=[dt.date(2025, 2, 20)])
    client.force_login(tree.melinh_officer)
    small = queries(client, url("inspection_detail", inspection.pk))
    for i in range(19):
        rules.follow_up_add(
            user=SYSTEM, inspection=inspection, action=f"Thêm {i}", deadline=dt.date(2025, 4, 1 + i)
        )
    assert queries(client, url("inspection_detail", inspection.pk)) == small
