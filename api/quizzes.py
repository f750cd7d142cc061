"""E-learning quizzes through the API: a learner starts an attempt at a quiz lesson of a
course they are enrolled in, reads it, and submits their answers; the server marks them.

Every rule is elearning.quizzes': the routes find the caller's own lesson or attempt (anything
else is 404) and shape the answers. Before submission nothing says which choice is right; a
score sent by the client is refused (422, naming the field)."""

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import BaseModel, ConfigDict

from api.auth import signed_in
from api.schemas import ErrorOut
from elearning import quizzes
from elearning.models import CourseEnrolment, Lesson, LessonKind, QuizAttempt

router = Router(tags=["e-learning"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ChoiceOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    text: str
    multiple: bool = Field(
        ..., description="Several right answers: all of them must be chosen, and no other."
    )
    choices: list[ChoiceOut] = Field(..., description="In the order drawn for this attempt.")


class FeedbackChoice(ChoiceOut):
    correct: bool
    chosen: bool


class FeedbackOut(Schema):
    question: int
    text: str
    multiple: bool
    right: bool = Field(..., description="Exactly the right choices were given.")
    chosen: list[int]
    correct: list[int]
    choices: list[FeedbackChoice]


class AttemptOut(Schema):
    key: uuid.UUID
    lesson: int
    lesson_title: str
    course: int
    attempt_number: int
    attempts_allowed: int
    attempts_left: int
    pass_percent: int
    started_at: dt.datetime
    deadline_at: dt.datetime | None = Field(
        ..., description="The server's deadline; answers arriving later are refused."
    )
    seconds_left: int | None
    submitted_at: dt.datetime | None
    expired: bool = Field(..., description="Closed by the server because time ran out.")
    score_percent: Decimal | None
    passed: bool | None
    questions: list[QuestionOut] = Field(
        ..., description="Without any sign of which choice is right."
    )
    feedback: list[FeedbackOut] | None = Field(
        ..., description="Once submitted only: per question, what was chosen and what was right."
    )
    course_completed: bool


class AttemptBrief(Schema):
    key: uuid.UUID
    started_at: dt.datetime
    deadline_at: dt.datetime | None
    submitted_at: dt.datetime | None
    expired: bool
    score_percent: Decimal | None
    passed: bool | None


class QuizStateOut(Schema):
    lesson: int
    attempts_allowed: int
    attempts_used: int
    attempts_left: int
    passed: bool
    best_percent: Decimal | None
    open: uuid.UUID | None = Field(..., description="The attempt in progress, if any.")
    may_start: bool
    attempts: list[AttemptBrief]


# Plain pydantic models (not ninja's Schema, which drops unknown keys): whatever else the
# client sends is kept, so that it can be named and refused.
class QuizAnswerIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    question: int
    choices: list[int] = Field(
        default_factory=list,
        description="The ids of the choices picked (one at most for a single-choice question).",
    )


class SubmitIn(BaseModel):
    """The answers only: the server marks them. `score`, `score_percent` or `passed` in the
    body is refused with 422 naming it."""

    model_config = ConfigDict(extra="allow")

    answers: list[QuizAnswerIn] = Field(default_factory=list)


def _enrolment_and_lesson(request: HttpRequest, lesson_id: int):
    person_id = request.auth.person_id
    lesson = (
        Lesson.objects.select_related("module__course")
        .filter(pk=lesson_id, kind=LessonKind.QUIZ)
        .first()
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
    return enrolment, lesson


def _attempt(request: HttpRequest, key: str) -> QuizAttempt:
    """The caller's own attempt; another's, or a key that is none, is not found."""
    try:
        key = uuid.UUID(key)
    except ValueError:
        raise Http404 from None
    person_id = request.auth.person_id
    attempt = (
        QuizAttempt.objects.select_related("lesson__module", "enrolment")
        .filter(key=key, enrolment__person_id=person_id)
        .first()
        if person_id
        else None
    )
    if attempt is None:
        raise Http404
    return attempt


def _out(attempt: QuizAttempt) -> dict:
    state = quizzes.quiz_state(attempt.enrolment, attempt.lesson)
    submitted = attempt.submitted_at is not None
    feedback = (
        [
            {"question": f["id"], **{k: v for k, v in f.items() if k != "id"}}
            for f in quizzes.attempt_feedback(attempt)
        ]
        if submitted
        else None
    )
    return {
        "key": attempt.key,
        "lesson": attempt.lesson_id,
        "lesson_title": attempt.lesson.title,
        "course": attempt.lesson.module.course_id,
        "attempt_number": next(
            (i for i, a in enumerate(state.attempts, 1) if a.pk == attempt.pk), state.used
        ),
        "attempts_allowed": state.allowed,
        "attempts_left": state.left,
        "pass_percent": attempt.lesson.pass_percent,
        "started_at": attempt.started_at,
        "deadline_at": attempt.deadline_at,
        "seconds_left": None if submitted else quizzes.seconds_left(attempt),
        "submitted_at": attempt.submitted_at,
        "expired": quizzes.is_expired(attempt),
        "score_percent": attempt.score_percent,
        "passed": attempt.passed,
        "questions": [] if submitted else quizzes.attempt_questions(attempt),
        "feedback": feedback,
        "course_completed": CourseEnrolment.objects.filter(
            pk=attempt.enrolment_id, completed_at__isnull=False
        ).exists(),
    }


@router.get("/lessons/{lesson_id}/attempts", response={200: QuizStateOut, **ERRORS}, auth=signed_in)
def quiz_state(request: HttpRequest, lesson_id: int):
    """The caller's attempts at a quiz of a course they are enrolled in."""
    enrolment, lesson = _enrolment_and_lesson(request, lesson_id)
    state = quizzes.quiz_state(enrolment, lesson)
    return {
        "lesson": lesson.pk,
        "attempts_allowed": state.allowed,
        "attempts_used": state.used,
        "attempts_left": state.left,
        "passed": state.passed,
        "best_percent": state.best,
        "open": state.open.key if state.open else None,
        "may_start": state.may_start,
        "attempts": [
            {
                "key": a.key,
                "started_at": a.started_at,
                "deadline_at": a.deadline_at,
                "submitted_at": a.submitted_at,
                "expired": quizzes.is_expired(a) or quizzes.is_overdue(a),
                "score_percent": a.score_percent,
                "passed": a.passed,
            }
            for a in state.attempts
        ],
    }


@router.post("/lessons/{lesson_id}/attempts", response={201: AttemptOut, **ERRORS}, auth=signed_in)
def attempt_start(request: HttpRequest, lesson_id: int):
    """Start an attempt: the questions drawn at random from the course's bank, each one's
    choices shuffled, and the deadline if the quiz is timed. Refused while another attempt
    is open, once passed, and past the attempts allowed."""
    enrolment, lesson = _enrolment_and_lesson(request, lesson_id)
    attempt = quizzes.attempt_start(user=request.auth, enrolment=enrolment, lesson=lesson)
    return Status(201, _out(attempt))


@router.get("/attempts/{key}", response={200: AttemptOut, **ERRORS}, auth=signed_in)
def attempt_detail(request: HttpRequest, key: str):
    """The caller's own attempt: its questions while open; once submitted (or closed when
    time ran out), the score and, per question, what was chosen and what was right."""
    attempt = _attempt(request, key)
    if attempt.submitted_at is None:
        quizzes.expire_overdue(attempt)
    return _out(attempt)


@router.post("/attempts/{key}/submit", response={200: AttemptOut, **ERRORS}, auth=signed_in)
def attempt_submit(request: HttpRequest, key: str, payload: SubmitIn):
    """Hand in the answers; the server marks them. Refused (422): after the deadline (the
    attempt is then closed with a score of 0), a second time, a question or a choice that
    was not drawn, the same question twice, and any score sent by the client."""
    attempt = _attempt(request, key)
    extra = dict(payload.model_extra or {})
    answers, twice = {}, []
    for index, answer in enumerate(payload.answers):
        for name in answer.model_extra or {}:
            extra[f"answers.{index}.{name}"] = answer.model_extra[name]
        if answer.question in answers:
            twice.append(answer.question)
        answers[answer.question] = answer.choices
    quizzes.refuse_client_marks(extra)  # named here: a field may be called "user"
    if twice:
        raise ValidationError(
            {"answers": [_("Question %(id)s is answered twice.") % {"id": pk} for pk in twice]}
        )
    attempt = quizzes.attempt_submit(user=request.auth, attempt=attempt, answers=answers)
    return _out(attempt)
