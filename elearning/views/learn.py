"""The learners' pages: their obligations and the online courses that would meet them, their
courses with progress, a course's lessons, a lesson (text, PDF, video, embedded link, quiz)
with the progress the page reports, and the lesson's file served with range requests.

Every page is for the person linked to the account (any role, self-service cadres too): a
course is shown to someone to whom it is open or who is enrolled in it, anything else is 404.
The lesson's file is also served to the officers of the organiser's subtree."""

import re
from urllib.parse import parse_qs, urlparse

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from accounts.scope import scope_path
from elearning import media, selectors, services, video
from elearning.models import (
    CourseEnrolment,
    Lesson,
    LessonKind,
    LessonProgress,
    PhoneVideo,
    QuizAttempt,
)
from elearning.views import scorm as scorm_views
from lib.dates import today
from lib.forms import run_service
from units.places import is_within


def _int(value, field: str, default=None) -> int:
    if value in (None, "") and default is not None:
        return default
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a whole number.")}) from None


def _url(name: str, *args) -> str | None:
    """A URL of the quiz pages (another part of the app): None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


YOUTUBE = re.compile(r"^(?:www\.|m\.)?(?:youtube\.com|youtube-nocookie\.com|youtu\.be)$")


def embed_src(url: str) -> str | None:
    """The address to put in the iframe: YouTube watch and short links become embed links;
    anything not https is not embedded at all (the Content-Security-Policy's frame-src, in
    config/settings.py, allows https: pages only; the lesson still links to it)."""
    parsed = urlparse(url or "")
    if parsed.scheme != "https":
        return None
    if YOUTUBE.match(parsed.netloc.lower()):
        video = None
        if parsed.netloc.lower().endswith("youtu.be"):
            video = parsed.path.strip("/").split("/")[0]
        elif parsed.path == "/watch":
            video = (parse_qs(parsed.query).get("v") or [None])[0]
        elif parsed.path.startswith(("/embed/", "/shorts/")):
            video = parsed.path.split("/")[2]
        if video and re.fullmatch(r"[\w-]{6,20}", video):
            return f"https://www.youtube-nocookie.com/embed/{video}"
    return url


# --- pages ---------------------------------------------------------------------------------


def _no_person(request) -> HttpResponse:
    return render(request, "people/no_person.html")


@login_required
def learn(request: HttpRequest) -> HttpResponse:
    """The learner's home: obligations still owed with the courses meeting each, their
    courses with progress and a link to where they stopped, other courses open to them."""
    person = request.user.person
    if person is None:
        return _no_person(request)
    day = today()
    enrolments = list(
        CourseEnrolment.objects.filter(person=person)
        .select_related("course__organiser", "last_lesson", "record")
        .order_by("completed_at", "-last_activity_at", "-enrolled_at")
    )
    figures = selectors.progress_of(enrolments)
    enrolled = {e.course_id: e for e in enrolments}
    for e in enrolments:
        e.figures = figures[e.pk]
    obligations = selectors.courses_meeting_obligations(person, day)
    meeting_ids = {c.pk for _o, courses in obligations for c in courses}
    for _o, courses in obligations:
        for c in courses:
            c.enrolment = enrolled.get(c.pk)
    others = [
        c
        for c in selectors.courses_open_to(person, day).order_by("title", "pk")
        if c.pk not in enrolled and c.pk not in meeting_ids
    ]
    resume = selectors.lessons_to_resume([e.course_id for e in enrolments], enrolments)
    for e in enrolments:
        e.resume = resume[e.course_id]
    return render(
        request,
        "elearning/learn_index.html",
        {
            "person": person,
            "day": day,
            "obligations": obligations,
            "enrolments": enrolments,
            "others": others,
        },
    )


@login_required
def course(request: HttpRequest, pk: int) -> HttpResponse:
    """A course's modules and lessons with what is done, and the certificate once complete."""
    person = request.user.person
    course = selectors.course_for(person, pk)
    enrolment = (
        CourseEnrolment.objects.filter(course=course, person=person)
        .select_related("record", "last_lesson")
        .first()
    )
    modules = list(
        course.modules.prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.order_by("rank", "id"))
        )
    )
    done = selectors.done_lessons(enrolment) if enrolment else set()
    figures = selectors.progress_of([enrolment])[enrolment.pk] if enrolment else None
    return render(
        request,
        "elearning/learn_course.html",
        {
            "course": course,
            "enrolment": enrolment,
            "modules": modules,
            "done": done,
            "figures": figures,
            "resume": selectors.lessons_to_resume([course.pk], [enrolment] if enrolment else [])[
                course.pk
            ],
            "topics": course.topics.all(),
        },
    )


@login_required
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_for(request.user.person, pk)
    run_service(
        request,
        lambda: services.enrol(user=request.user, course=course),
        _("You are enrolled in %(title)s.") % {"title": course.title},
    )
    return redirect("elearning:learn_course", pk=course.pk)


@login_required
def lesson(request: HttpRequest, pk: int) -> HttpResponse:
    """One lesson: its content, what the learner has done in it, the previous and next ones."""
    person = request.user.person
    if person is None:
        raise Http404
    found = Lesson.objects.select_related("module__course__organiser").filter(pk=pk).first()
    if found is None:
        raise Http404
    course = selectors.course_for(person, found.module.course_id)  # 404 unless open or enrolled
    enrolment = CourseEnrolment.objects.filter(course=course, person=person).first()
    if enrolment is None:
        messages.info(request, _("Enrol in the course to start its lessons."))
        return redirect("elearning:learn_course", pk=course.pk)
    lesson = found
    if lesson.kind == LessonKind.PDF:
        # A PDF is done once opened: this page shows it (or offers it to download).
        already = LessonProgress.objects.filter(
            enrolment=enrolment, lesson=lesson, done_at__isnull=False
        ).exists()
        if not already:
            _record, enrolment = services.report_progress(request.user, lesson, 100, 0)
    record = LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).first()
    order = list(selectors.lessons(course).values_list("pk", flat=True))
    at = order.index(lesson.pk)
    neighbours = {
        p.pk: p
        for p in Lesson.objects.filter(
            pk__in=[order[i] for i in (at - 1, at + 1) if 0 <= i < len(order)]
        )
    }
    context = {
        "course": course,
        "lesson": lesson,
        "enrolment": enrolment,
        "progress": record,
        "done": bool(record and record.done_at),
        "position": record.position_seconds if record else 0,
        "percent": record.percent if record else 0,
        "previous": neighbours.get(order[at - 1]) if at > 0 else None,
        "next": neighbours.get(order[at + 1]) if at + 1 < len(order) else None,
        "number": at + 1,
        "count": len(order),
    }
    if lesson.kind == LessonKind.EMBED:
        context["embed_src"] = embed_src(lesson.embed_url)
    if lesson.kind == LessonKind.SCORM and lesson.scorm_launch:
        attempt = services.scorm_attempt(user=request.user, lesson=lesson)
        context.update({"scorm_url": scorm_views.launch_url(request, attempt), "attempt": attempt})
        response = render(request, "elearning/learn_lesson.html", context)
        response._csp_update = scorm_views.frame_policy(request)  # frames the content origin
        return response
    if lesson.kind == LessonKind.QUIZ:
        attempts = list(
            QuizAttempt.objects.filter(enrolment=enrolment, lesson=lesson).order_by(
                "started_at", "pk"
            )
        )
        now = timezone.now()
        open_attempt = next(
            (
                a
                for a in attempts
                if a.submitted_at is None and (a.deadline_at is None or a.deadline_at > now)
            ),
            None,
        )
        passed = any(a.passed for a in attempts)
        context.update(
            {
                "attempts": [a for a in attempts if a.submitted_at is not None],
                "attempts_used": len(attempts),
                "passed": passed,
                "done": passed,
                "attempts_left": max(0, lesson.max_attempts - len(attempts)),
                "quiz_start_url": _url("elearning:quiz_start", lesson.pk),
                "open_attempt_url": _url("elearning:quiz_attempt", str(open_attempt.key))
                if open_attempt
                else None,
            }
        )
    return render(request, "elearning/learn_lesson.html", context)


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> JsonResponse:
    """What the lesson page reports (percent read or watched, the video's position):
    `percent` and `position` as form fields; answered in JSON."""
    lesson, _enrolment = selectors.lesson_for(request.user.person, pk)
    try:
        percent = _int(request.POST.get("percent"), "percent")
        position = _int(request.POST.get("position"), "position", default=0)
        if position < 0:
            raise ValidationError({"position": _("Enter a whole number.")})
        record, enrolment = services.report_progress(request.user, lesson, percent, position)
    except ValidationError as e:
        return JsonResponse(
            {"errors": e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}},
            status=422,
        )
    return JsonResponse(progress_json(record, enrolment))


def progress_json(record: LessonProgress, enrolment: CourseEnrolment) -> dict:
    return {
        "lesson": record.lesson_id,
        "percent": record.percent,
        "position": record.position_seconds,
        "done": record.done_at is not None,
        "completed": enrolment.completed_at is not None,
        "certificate_url": reverse("training:certificate", args=[enrolment.record_id])
        if enrolment.record_id
        else None,
    }


@login_required
@require_http_methods(["GET", "HEAD"])
@xframe_options_sameorigin  # the lesson page embeds its PDF
@csp_replace({"frame-ancestors": ["'self'"]})
def lesson_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The lesson's file, with range requests (a video plays and seeks): for a learner to
    whom the course is open or who is enrolled, or an officer of the organiser's subtree.
    `?phone=1` asks for a video's phone version (elearning.video): the original while it is
    not ready. It is served as an MP4 video only, like the original, by its content."""
    lesson = Lesson.objects.select_related("module__course__organiser").filter(pk=pk).first()
    if lesson is None or not lesson.file:
        raise Http404
    course = lesson.module.course
    user = request.user
    path_ = scope_path(user)
    officer = user.can_browse and path_ is not None and is_within(course.organiser, path_)
    if not officer:
        selectors.course_for(user.person, course.pk)
    served, kinds = lesson.file, services.lesson_file_kinds(lesson.kind)
    if request.GET.get("phone") == "1" and lesson.kind == LessonKind.VIDEO:
        if lesson.phone_status == PhoneVideo.READY and lesson.phone_file:
            served, kinds = lesson.phone_file, video.PHONE_KINDS
    return media.serve(request, served, kinds=kinds, download=request.GET.get("download") == "1")


urlpatterns = [
    path("learn/", learn, name="learn"),
    path("learn/courses/<int:pk>/", course, name="learn_course"),
    path("learn/courses/<int:pk>/enrol/", enrol, name="learn_enrol"),
    path("learn/lessons/<int:pk>/", lesson, name="learn_lesson"),
    path("learn/lessons/<int:pk>/progress/", progress, name="learn_progress"),
    path("learn/lessons/<int:pk>/file/", lesson_file, name="learn_file"),
]
