from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lib.dates import as_of
from people.models import Position
from people.selectors import profile_person_or_404
from standards.rules import requirements, standard_for, standards_shown_to


@login_required
def standard_list(request: HttpRequest) -> HttpResponse:
    """The title standards in force on a day, published to every cadre (001 §III: "công khai
    các tiêu chuẩn chung và tiêu chuẩn cụ thể của từng chức danh"); officers also see the
    ones not yet published, marked so."""
    day = as_of(request)
    standards = list(standards_shown_to(request.user, day))
    return render(
        request,
        "standards/list.html",
        {
            "day": day,
            "standards": standards,
            "examples": any(s.example for s in standards),
        },
    )


@login_required
def person_panel(request: HttpRequest, person_id: int) -> HttpResponse:
    """Part of a profile: for each post the person holds on the day, its title standard and
    what they still lack against it ("thiếu gì so với tiêu chuẩn chức danh")."""
    person = profile_person_or_404(request.user, person_id)
    day = as_of(request)
    posts = []
    for position in (
        Position.objects.active_on(day).filter(person=person).select_related("role", "unit")
    ):
        standard = standard_for(position.role, position.unit, day)
        rows = requirements(person, standard, day) if standard else []
        posts.append(
            {
                "position": position,
                "standard": standard,
                "requirements": rows,
                "lacking": [r for r in rows if not r.ok],
            }
        )
    return render(request, "standards/_person.html", {"person": person, "day": day, "posts": posts})
