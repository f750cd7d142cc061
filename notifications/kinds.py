"""The kinds of notice the system sends: whom each is about, how it reaches a user who has
chosen nothing, and its wording.

A notice keeps the values it was made from (`params`), so the inbox writes its text again in
the reader's language (the English switch); its mail goes out in the system's language
(settings.LANGUAGE_CODE), as it was written when the notice was made. The apps that send
notices name a kind by its code and hand over plain values (names, dates already written
dd/mm/yyyy): this module knows the words, not the apps' models — notifications sits right
above accounts, below every app that sends.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Audience:
    OWN = "own"  # the user's own training: every user with a person gets these
    UNIT = "unit"  # the work of the user's unit: its officers (those who may write)


@dataclass(frozen=True)
class Kind:
    code: str
    label: Promise
    audience: str
    render: Callable[[dict], tuple[str, str]]  # params → (subject, body), active language
    # Unless the user chooses: by mail too (else in the inbox only), in the daily digest (else
    # at once).
    mail: bool = True
    digest: bool = False


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _class_line(p: dict) -> str:
    return (
        _("The class “%(title)s” (%(code)s) of %(organiser)s runs from %(start)s to %(end)s.") % p
    )


def _venue(p: dict) -> str:
    return _("Venue: %(venue)s") % p if p.get("venue") else ""


def _accepted(p: dict) -> tuple[str, str]:
    return (
        _("Accepted into the class “%(title)s”") % p,
        _lines(
            _("You have been accepted into the class “%(title)s”.") % p, _class_line(p), _venue(p)
        ),
    )


def _waitlisted(p: dict) -> tuple[str, str]:
    place = (
        _("The class is full: you are number %(position)s on its waiting list.") % p
        if p.get("position")
        else _("The class is full: you are on its waiting list.")
    )
    return (
        _("On the waiting list of the class “%(title)s”") % p,
        _lines(place, _class_line(p), _("You will be told if a seat frees up.")),
    )


def _promoted(p: dict) -> tuple[str, str]:
    return (
        _("Accepted into the class “%(title)s” from the waiting list") % p,
        _lines(
            _("A seat has freed up: you have been accepted into the class “%(title)s”.") % p,
            _class_line(p),
            _venue(p),
        ),
    )


def _rejected(p: dict) -> tuple[str, str]:
    return (
        _("Not accepted into the class “%(title)s”") % p,
        _lines(
            _("Your nomination to the class “%(title)s” (%(code)s) was not accepted.") % p,
            _("Reason: %(reason)s") % p if p.get("reason") else "",
        ),
    )


def _outcome(passed: bool | None) -> str:
    if passed is None:
        return _("not assessed")
    return _("passed") if passed else _("not passed")


def _results(p: dict) -> tuple[str, str]:
    values = {
        **p,
        "attendance": f"{p['attendance']}%" if p.get("attendance") is not None else "—",
        "score": number_format(Decimal(p["score"])) if p.get("score") else "—",
        "outcome": _outcome(p.get("passed")),
    }
    return (
        _("Your results in the class “%(title)s”") % p,
        _lines(
            _(
                "Your results in the class “%(title)s” (%(code)s) have been recorded: "
                "attendance %(attendance)s, score %(score)s, %(outcome)s."
            )
            % values,
            _("The training is now on your record.") if p.get("passed") else "",
        ),
    )


def _certificate(p: dict) -> tuple[str, str]:
    return (
        _("Certificate no. %(number)s issued") % p,
        _lines(
            _(
                "Your certificate no. %(number)s for the class “%(title)s” was issued on "
                "%(date)s by %(organiser)s."
            )
            % p,
            _("Open it to print it or to show its QR code."),
        ),
    )


def _nomination(p: dict) -> tuple[str, str]:
    return (
        _("New nomination to the class “%(title)s”: %(name)s") % p,
        _lines(
            _("%(unit)s nominated %(name)s to the class “%(title)s” (%(code)s).") % p,
            _("Nominations waiting for a decision: %(waiting)s.") % p,
        ),
    )


def _nominees(p: dict) -> tuple[str, str]:
    waiting = ", ".join(
        _("%(name)s (no. %(position)s)") % {"name": name, "position": position}
        if position
        else name
        for name, position in p.get("waitlisted", [])
    )
    refused = ", ".join(
        _("%(name)s (reason: %(reason)s)") % {"name": name, "reason": reason} if reason else name
        for name, reason in p.get("rejected", [])
    )
    groups = [
        (_("Accepted: %(names)s"), ", ".join(p.get("accepted", []))),
        (_("Accepted from the waiting list: %(names)s"), ", ".join(p.get("promoted", []))),
        (_("On the waiting list: %(names)s"), waiting),
        (_("Not accepted: %(names)s"), refused),
    ]
    return (
        _("Decisions on your unit's nominations to the class “%(title)s”") % p,
        _lines(
            _(
                "The organiser of the class “%(title)s” (%(code)s) decided on people your "
                "unit nominated:"
            )
            % p,
            *(template % {"names": names} for template, names in groups if names),
        ),
    )


def _comment(p: dict) -> str:
    return _("Comment: %(comment)s") % p if p.get("comment") else ""


def _plan_submitted(p: dict) -> tuple[str, str]:
    return (
        _("%(unit)s submitted its training plan for %(year)s") % p,
        _(
            "%(unit)s submitted its training plan for %(year)s to your unit: approve it, or "
            "return it with a comment."
        )
        % p,
    )


def _plan_returned(p: dict) -> tuple[str, str]:
    return (
        _("Training plan for %(year)s returned by %(by)s") % p,
        _lines(
            _("%(by)s returned the training plan of %(unit)s for %(year)s.") % p,
            _comment(p),
            _("Change the plan and submit it again."),
        ),
    )


def _plan_approved(p: dict) -> tuple[str, str]:
    return (
        _("Training plan for %(year)s approved by %(by)s") % p,
        _lines(_("%(by)s approved the training plan of %(unit)s for %(year)s.") % p, _comment(p)),
    )


def _class_changed(p: dict) -> tuple[str, str]:
    return (
        _("The class “%(title)s” has changed") % p,
        _lines(
            _("The organiser changed the class “%(title)s” (%(code)s): %(changes)s.") % p,
            _class_line(p),
            _venue(p),
        ),
    )


def _class_cancelled(p: dict) -> tuple[str, str]:
    return (
        _("The class “%(title)s” is cancelled") % p,
        _lines(
            _("The organiser cancelled the class “%(title)s” (%(code)s) planned from %(start)s.")
            % p,
            _comment(p),
        ),
    )


def _survey_opened(p: dict) -> tuple[str, str]:
    return (
        _("Training-needs survey “%(title)s”: answer by %(deadline)s") % p,
        _("%(unit)s opened the training-needs survey “%(title)s”: answer it by %(deadline)s.") % p,
    )


def _survey_due(p: dict) -> tuple[str, str]:
    return (
        _("The survey “%(title)s” closes on %(deadline)s") % p,
        _(
            "Your unit has not yet answered the training-needs survey “%(title)s” of %(unit)s, "
            "which closes on %(deadline)s."
        )
        % p,
    )


def _survey_closed(p: dict) -> tuple[str, str]:
    return (
        _("The survey “%(title)s” is closed") % p,
        _("The training-needs survey “%(title)s” closed: %(answered)s of %(asked)s units answered.")
        % p,
    )


def _report_due(p: dict) -> tuple[str, str]:
    return (
        _("Report due by %(deadline)s: %(title)s") % p,
        _lines(
            _("%(unit)s expects your unit's report “%(title)s” by %(deadline)s.") % p,
            _comment(p),
        ),
    )


def _obligation_line(item: dict) -> str:
    if item.get("overdue"):
        return _("%(name)s — %(target)s: overdue since %(due)s") % item
    return _("%(name)s — %(target)s: due by %(due)s") % item


def _obligations_own(p: dict) -> tuple[str, str]:
    items = p.get("items", [])
    overdue = any(i.get("overdue") for i in items)
    return (
        _("Training you owe is overdue") if overdue else _("Training you owe falls due soon"),
        _lines(
            _("By the union's resolutions you must still complete:"),
            *(_obligation_line({**i, "name": "•"}) for i in items),
            _("Ask your unit's officer which classes or online courses meet it."),
        ),
    )


def _obligations_unit(p: dict) -> tuple[str, str]:
    items = p.get("items", [])
    return (
        _("%(count)s people of %(unit)s owe training due within 30 days or overdue")
        % {"count": len(items), "unit": p.get("unit", "")},
        _lines(
            _("People of your unit whose training falls due within 30 days or is overdue:"),
            *(_obligation_line(i) for i in items),
        ),
    )


def _lapsing(p: dict) -> tuple[str, str]:
    return (
        _("Your training “%(title)s” is valid until %(expires)s: renew it") % p,
        _lines(
            _(
                "Your training “%(title)s” (completed on %(completed)s) is valid until "
                "%(expires)s: renew it before then, or it stops counting."
            )
            % p,
        ),
    )


def _course_assigned(p: dict) -> tuple[str, str]:
    return (
        _("Online course assigned: “%(title)s”") % p,
        _lines(
            _("%(unit)s assigned you the online course “%(title)s”.") % p,
            _("Complete it by %(deadline)s.") % p if p.get("deadline") else "",
        ),
    )


def _course_reminder(p: dict) -> tuple[str, str]:
    return (
        _("Reminder: the online course “%(title)s”") % p,
        _lines(
            _("You have not finished the online course “%(title)s”.") % p,
            _("Complete it by %(deadline)s.") % p if p.get("deadline") else "",
        ),
    )


OWN, UNIT = Audience.OWN, Audience.UNIT
KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        # One's own training: mailed at once unless the user chooses otherwise.
        Kind("enrolment_accepted", gettext_lazy("Accepted into a class"), OWN, _accepted),
        Kind(
            "enrolment_waitlisted", gettext_lazy("Put on a class's waiting list"), OWN, _waitlisted
        ),
        Kind("enrolment_promoted", gettext_lazy("Accepted from a waiting list"), OWN, _promoted),
        Kind("enrolment_rejected", gettext_lazy("Not accepted into a class"), OWN, _rejected),
        Kind("results_recorded", gettext_lazy("My results in a class"), OWN, _results),
        Kind("certificate_issued", gettext_lazy("My certificates"), OWN, _certificate),
        # An officer's work. Nominations and decisions come many at a time: one mail a day. A
        # plan's step is rare and someone waits on it: mailed at once.
        Kind(
            "nomination_received",
            gettext_lazy("Nominations to my unit's classes"),
            UNIT,
            _nomination,
            digest=True,
        ),
        Kind(
            "nominees_decided",
            gettext_lazy("Decisions on the people my unit nominated"),
            UNIT,
            _nominees,
            digest=True,
        ),
        Kind(
            "plan_submitted",
            gettext_lazy("Plans submitted by the units below"),
            UNIT,
            _plan_submitted,
        ),
        Kind("plan_returned", gettext_lazy("My unit's plan returned"), UNIT, _plan_returned),
        Kind("plan_approved", gettext_lazy("My unit's plan approved"), UNIT, _plan_approved),
        Kind("class_changed", gettext_lazy("A class I am in changed"), OWN, _class_changed),
        Kind("class_cancelled", gettext_lazy("A class I am in cancelled"), OWN, _class_cancelled),
        Kind("survey_opened", gettext_lazy("Surveys opened to my unit"), UNIT, _survey_opened),
        Kind("survey_due", gettext_lazy("Surveys closing in 3 days"), UNIT, _survey_due),
        Kind("survey_closed", gettext_lazy("My unit's surveys closed"), UNIT, _survey_closed),
        Kind("report_due", gettext_lazy("Reports due from my unit"), UNIT, _report_due),
        Kind(
            "obligations_due",
            gettext_lazy("Training I owe, due within 30 days or overdue"),
            OWN,
            _obligations_own,
        ),
        Kind(
            "obligations_due_unit",
            gettext_lazy("My unit's people whose training is due or overdue"),
            UNIT,
            _obligations_unit,
            digest=True,
        ),
        Kind("training_lapsing", gettext_lazy("My training about to expire"), OWN, _lapsing),
        Kind(
            "course_assigned", gettext_lazy("Online courses assigned to me"), OWN, _course_assigned
        ),
        Kind(
            "course_reminder", gettext_lazy("Reminders of my online courses"), OWN, _course_reminder
        ),
    )
}


def get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise KeyError(
            f"unknown kind of notification: {code!r} (see notifications.kinds)"
        ) from None


def compose(code: str, params: dict, language: str | None = None) -> tuple[str, str]:
    """The subject and body of a notice of this kind, in `language` (the active one if None)."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject, body = get(code).render(params)
    return str(subject)[:255], str(body)


def for_user(user) -> list[Kind]:
    """The kinds a user may receive: their own training's for a user who is a person of the
    system, their unit's work's for those who may change it."""
    return [
        k
        for k in KINDS.values()
        if (k.audience == OWN and user.person_id) or (k.audience == UNIT and user.can_write)
    ]
