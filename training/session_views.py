"""Pages of a class's sessions (issue 24 §4): the schedule, a session's form, the officer's
attendance grid and QR screen, the learner's check-in, and a profile's upcoming sessions.
The rules are training.sessions'."""

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import Data, may
from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404
from lib.forms import REFUSED, run_service
from people.models import Person
from training import sessions
from training.forms import SessionForm
from training.models import ClassSession, Enrolment, EnrolmentStatus, TrainingClass
from training.selectors import classes_visible_to


def _visible_class(request, pk: int) -> TrainingClass:
    training_class = (
        classes_visible_to(request.user).select_related("organiser").filter(pk=pk).first()
    )
    if training_class is None:
        raise Http404
    return training_class


def _writable_class(request, pk: int) -> TrainingClass:
    """A class of the user's subtree they may change (as editing the class): else 404."""
    training_class = get_scoped_or_404(
        TrainingClass.objects.select_related("organiser"), request.user, pk=pk
    )
    if not sessions.may_write_class(request.user, training_class):
        raise Http404
    return training_class


def _session_of(training_class: TrainingClass, session_pk: int) -> ClassSession:
    return get_object_or_404(
        ClassSession.objects.select_related("training_class", "lecturer__person", "topic"),
        pk=session_pk,
        training_class=training_class,
    )


@officer_required
def session_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The schedule of a class: on its page (htmx) or on its own."""
    training_class = _visible_class(request, pk)
    context = {
        "c": training_class,
        "sessions": sessions.sessions_of(training_class),
        "may_write": sessions.may_write_class(request.user, training_class),
        "accepted": training_class.enrolments.filter(status=EnrolmentStatus.ACCEPTED).count(),
    }
    template = "_section.html" if request.htmx else "list.html"
    return render(request, f"training/sessions/{template}", context)


def _session_form(request, training_class: TrainingClass, session: ClassSession | None):
    form = SessionForm(
        request.POST or None,
        instance=session,
        initial=None if session else sessions.next_session_initial(training_class),
        training_class=training_class,
        lecturers=sessions.lecturers_for(request.user, training_class),
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: sessions.session_save(
                user=request.user,
                training_class=training_class,
                session=session,
                **form.cleaned_data,
            ),
            _("Session saved."),
            form,
        )
        if saved is not REFUSED:
            return redirect(
                reverse("training:class_detail", args=[training_class.pk]) + "#sessions"
            )
    title = _("Edit session") if session else _("New session")
    return render(
        request,
        "training/sessions/form.html",
        {"form": form, "title": title, "c": training_class, "session": session},
    )


@writer_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_form(request, _writable_class(request, pk), None)


@writer_required
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    training_class = _writable_class(request, pk)
    return _session_form(request, training_class, _session_of(training_class, session_pk))


@writer_required
def session_delete(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """GET asks (the attendance taken at it goes with it); POST removes."""
    training_class = _writable_class(request, pk)
    session = _session_of(training_class, session_pk)
    if request.method == "POST":
        done = run_service(
            request,
            lambda: sessions.session_delete(user=request.user, session=session),
            _("Session removed."),
        )
        if done is not REFUSED:
            return redirect(reverse("training:class_detail", args=[pk]) + "#sessions")
    marked = session.attendance.filter(present=True).count()
    return render(
        request,
        "training/sessions/delete.html",
        {"c": training_class, "session": session, "marked": marked},
    )


@writer_required
def attendance(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """The officer's attendance grid of a session: every accepted participant, ticked when
    present; saved all at once. Who checked in by QR says so."""
    training_class = _writable_class(request, pk)
    session = _session_of(training_class, session_pk)
    if request.method == "POST":
        shown = {int(x) for x in request.POST.getlist("shown") if x.isdigit()}
        present = {int(x) for x in request.POST.getlist("present") if x.isdigit()}
        changed = run_service(
            request,
            lambda: sessions.attendance_take(
                user=request.user, session=session, shown=shown, present=present
            ),
        )
        if changed is not REFUSED:
            messages.success(
                request, _("Attendance saved: %(n)s changes.") % {"n": intcomma(changed)}
            )
            return redirect(reverse("training:class_detail", args=[pk]) + "#sessions")
    opens, _closes = sessions.session_window(session)
    return render(
        request,
        "training/sessions/attendance.html",
        {
            "c": training_class,
            "session": session,
            "rows": sessions.attendance_of(session),
            "not_begun": timezone.now() < opens,
        },
    )


def _qr_svg(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    # No size of its own: the page's CSS makes it as large as the screen allows.
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=1, border=2, xmldecl=False, svgns=True, omitsize=True
    )
    return buffer.getvalue().decode()


def _qr_context(request, session: ClassSession) -> dict:
    now = timezone.now()
    opens, closes = sessions.session_window(session)
    context = {
        "session": session,
        "c": session.training_class,
        "open": opens <= now <= closes,
        "opens": opens,
        "closes": closes,
        "summary": sessions.attendance_summary(session),
    }
    if context["open"]:
        code, seconds = sessions.current_code(session, now)
        url = request.build_absolute_uri(reverse("training:checkin", args=[session.pk, code]))
        context.update(qr=_qr_svg(url), url=url, seconds=seconds)
    else:  # ask again when it opens, or in a minute
        context["seconds"] = min(max(int((opens - now).total_seconds()), 1), 60)
    return context


@writer_required
def qr(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """The screen shown in the room: the session's QR code, a new one every minute (the page
    asks for it: static/js/checkin-qr.js), and how many have checked in."""
    training_class = _writable_class(request, pk)
    session = _session_of(training_class, session_pk)
    return render(request, "training/sessions/qr.html", _qr_context(request, session))


@writer_required
def qr_code(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """The QR screen's changing part: the code of this minute and the counts."""
    training_class = _writable_class(request, pk)
    session = _session_of(training_class, session_pk)
    response = render(request, "training/sessions/_qr.html", _qr_context(request, session))
    response["Cache-Control"] = "no-store"
    return response


# The scan of a visitor not signed in yet, kept in their browser's session while they log in.
SCANNED = "training.checkin.scanned"


@require_GET
def checkin(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A learner's phone opens the session's QR code: signed in as themselves, they are
    marked present (opening the code is the act of checking in, as a badge at a door). Not
    signed in: a good code is noted in this browser and the login page brings them back."""
    session = get_object_or_404(ClassSession.objects.select_related("training_class"), pk=pk)
    now = timezone.now()
    if not request.user.is_authenticated:
        try:
            sessions.checkin_precheck(session, code, now)
        except sessions.Refused as refused:
            return _checkin_page(request, session, refused=refused)
        request.session[SCANNED] = {"session": session.pk, "code": code, "at": now.timestamp()}
        return redirect_to_login(request.get_full_path())
    scanned_at = None
    noted = request.session.pop(SCANNED, None)
    if noted and noted.get("session") == session.pk and noted.get("code") == code:
        scanned_at = dt.datetime.fromtimestamp(noted["at"], tz=dt.UTC)
    try:
        mark = sessions.checkin(
            user=request.user, session=session, code=code, now=now, scanned_at=scanned_at
        )
    except sessions.Refused as refused:
        return _checkin_page(request, session, refused=refused)
    return _checkin_page(request, session, mark=mark)


def _checkin_page(request, session: ClassSession, *, mark=None, refused=None) -> HttpResponse:
    enrolment = (
        Enrolment.objects.filter(
            training_class=session.training_class_id,
            person_id=request.user.person_id,
            status=EnrolmentStatus.ACCEPTED,
        ).first()
        if request.user.is_authenticated and request.user.person_id
        else None
    )
    shows_class = enrolment is not None
    context = {
        "session": session if shows_class else None,
        "mark": mark,
        "refused": refused,
        "attended": _attended(enrolment) if shows_class else None,
    }
    status = 200 if mark is not None else refused.status
    return render(request, "training/sessions/checkin.html", context, status=status)


def _attended(enrolment: Enrolment) -> dict:
    return {
        "present": enrolment.session_attendance.filter(present=True).count(),
        "sessions": enrolment.training_class.sessions.count(),
    }


def person_sessions(request: HttpRequest, person_pk: int) -> HttpResponse:
    """A profile's panel (htmx): the person's sessions to come, soonest first — their own to
    anyone, someone else's to a role that reads people and classes, in its subtree."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    own = request.user.person_id == person_pk
    if not own:
        # Someone else's: for a role that reads people and classes (not a lecturer's).
        if not (may(request.user, Data.PEOPLE) and may(request.user, Data.CLASSES)):
            raise Http404
        get_scoped_or_404(Person.objects.all(), request.user, pk=person_pk)
    return render(
        request,
        "training/sessions/_upcoming.html",
        {
            "upcoming": sessions.upcoming_sessions(person_pk),
            "own": own,
            "today": timezone.localdate(),
        },
    )
