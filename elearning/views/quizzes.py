"""Quiz pages. Organisers: a course's question bank (list, add, edit, delete). Learners:
start an attempt at a quiz lesson, answer it, and — once submitted — see the score and what
was right. Thin: forms parse, elearning.quizzes decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import officer_required, writer_required
from accounts.scope import get_scoped_or_404
from elearning import quizzes
from elearning.forms_quizzes import QuestionForm, answers_from_post
from elearning.models import Choice, Course, CourseEnrolment, Lesson, LessonKind, Question
from elearning.models import QuizAttempt as Attempt
from lib.forms import REFUSED, run_service


def _url(name: str, *args) -> str | None:
    """A page of the learners' or the organisers' side, when that side has it."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- the question bank (organisers) -------------------------------------------------------


def _course(request, pk: int) -> Course:
    return get_scoped_or_404(Course.objects.select_related("organiser"), request.user, pk=pk)


def _question(request, pk: int) -> Question:
    return get_scoped_or_404(
        Question.objects.select_related("course__organiser"), request.user, pk=pk
    )


@officer_required
def bank(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    questions = list(
        course.questions.prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("id"))
        )
    )
    lessons = list(quizzes.quiz_lessons(course).select_related("module"))
    return render(
        request,
        "elearning/quiz_bank.html",
        {
            "course": course,
            "questions": questions,
            "lessons": lessons,
            "needs": max((lesson.question_count for lesson in lessons), default=0),
            "may_edit": request.user.can_write,
            "course_url": _url("elearning:course_detail", course.pk),
        },
    )


def _question_page(request, course: Course, question: Question | None) -> HttpResponse:
    form = QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: quizzes.question_save(
                user=request.user,
                course=course,
                question=question,
                text=form.cleaned_data["text"],
                multiple=form.cleaned_data["multiple"],
                choices=form.choices(),
            ),
            _("The question was saved."),
            form,
        )
        if saved is not REFUSED:
            if "add_another" in request.POST:
                return redirect("elearning:quiz_question_add", course.pk)
            return redirect("elearning:quiz_bank", course.pk)
    return render(
        request,
        "elearning/quiz_question_form.html",
        {
            "form": form,
            "course": course,
            "question": question,
            "title": _("Edit question") if question else _("New question"),
        },
    )


@writer_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _question_page(request, _course(request, pk), None)


@writer_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    return _question_page(request, question.course, question)


@writer_required
@require_POST
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    course_pk = question.course_id
    run_service(
        request,
        lambda: quizzes.question_delete(user=request.user, question=question),
        _("The question was removed from the bank."),
    )
    return redirect("elearning:quiz_bank", course_pk)


# --- attempts (learners) ------------------------------------------------------------------


def _learner_quiz(request, pk: int) -> tuple[Lesson, CourseEnrolment]:
    """A quiz lesson of a course the user's own person is enrolled in; anything else is
    'not found'."""
    person_id = request.user.person_id
    lesson = (
        Lesson.objects.select_related("module__course").filter(pk=pk, kind=LessonKind.QUIZ).first()
        if person_id
        else None
    )
    enrolment = (
        lesson
        and CourseEnrolment.objects.filter(
            course_id=lesson.module.course_id, person_id=person_id
        ).first()
    )
    if not enrolment:
        raise Http404
    return lesson, enrolment


def _own_attempt(request, key) -> Attempt:
    person_id = request.user.person_id
    attempt = (
        Attempt.objects.select_related("lesson__module__course", "enrolment")
        .filter(key=key, enrolment__person_id=person_id)
        .first()
        if person_id
        else None
    )
    if attempt is None:
        raise Http404
    return attempt


def _back(request, state: quizzes.QuizState):
    """After a refused start: where the learner came from (`next`, a local URL), else their
    latest attempt, else their profile."""
    for target in (request.POST.get("next"), request.headers.get("referer")):
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
    if state.attempts:
        return redirect("elearning:quiz_attempt", state.attempts[-1].key)
    return redirect(_url("elearning:learn_lesson", state.lesson.pk) or reverse("my_profile"))


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    lesson, enrolment = _learner_quiz(request, pk)
    state = quizzes.quiz_state(enrolment, lesson)
    if state.open is not None:  # resume rather than refuse
        return redirect("elearning:quiz_attempt", state.open.key)
    attempt = run_service(
        request,
        lambda: quizzes.attempt_start(user=request.user, enrolment=enrolment, lesson=lesson),
        _("The quiz has started."),
    )
    if attempt is REFUSED:
        return _back(request, state)
    return redirect("elearning:quiz_attempt", attempt.key)


@login_required
def attempt(request: HttpRequest, key) -> HttpResponse:
    """The open attempt's questions (no hint of which answer is right), or, once submitted,
    the score and each question's answers with the learner's choice and the right ones."""
    attempt = _own_attempt(request, key)
    if request.method == "POST":
        answers, extra = answers_from_post(request.POST)
        run_service(
            request,
            lambda: quizzes.attempt_submit(
                user=request.user, attempt=attempt, answers=answers, **extra
            ),
            _("Your answers were submitted and marked."),
        )
        return redirect("elearning:quiz_attempt", attempt.key)
    if attempt.submitted_at is None and quizzes.expire_overdue(attempt):
        messages.error(
            request,
            _(
                "The time allowed for this quiz ran out: the attempt is "
                "closed with a score of 0 and counts as used."
            ),
        )
    lesson = attempt.lesson
    state = quizzes.quiz_state(attempt.enrolment, lesson)
    context = {
        "attempt": attempt,
        "lesson": lesson,
        "course": lesson.module.course,
        "state": state,
        "course_url": _url("elearning:learn_course", lesson.module.course_id),
        "number": next(
            (i for i, a in enumerate(state.attempts, 1) if a.pk == attempt.pk), state.used
        ),
    }
    if attempt.submitted_at is None:
        questions = quizzes.attempt_questions(attempt)
        return render(
            request,
            "elearning/quiz_attempt.html",
            {**context, "questions": questions, "seconds_left": quizzes.seconds_left(attempt)},
        )
    feedback = quizzes.attempt_feedback(attempt)
    return render(
        request,
        "elearning/quiz_result.html",
        {
            **context,
            "feedback": feedback,
            "expired": quizzes.is_expired(attempt),
            "right": sum(1 for item in feedback if item["right"]),
            "total": len(feedback),
        },
    )


urlpatterns = [
    path("courses/<int:pk>/questions/", bank, name="quiz_bank"),
    path("courses/<int:pk>/questions/new/", question_add, name="quiz_question_add"),
    path("questions/<int:pk>/edit/", question_edit, name="quiz_question_edit"),
    path("questions/<int:pk>/delete/", question_delete, name="quiz_question_delete"),
    path("lessons/<int:pk>/quiz/start/", start, name="quiz_start"),
    path("attempts/<uuid:key>/", attempt, name="quiz_attempt"),
]
