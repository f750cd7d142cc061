"""Quizzes: the question bank of a course (written by the organiser's subtree) and attempts
(by the learner), drawn, timed and marked on the server.

The server is the only authority:

- an attempt draws `question_count` questions of the bank at random and shuffles each one's
  choices; the order drawn is stored in `QuizAttempt.drawn` and nothing sent to the learner
  before submission says which choice is right (`attempt_questions`);
- the deadline is the server's clock: an answer received after `deadline_at` + `GRACE` (a
  few seconds for the network) is refused, and the attempt is closed as expired — submitted,
  score 0, not passed — so it counts as used;
- attempts started count against `max_attempts`, and one attempt at a time is open;
- the client sends which choices it picked, never a score: `score`, `score_percent` or
  `passed` in an answer are refused, naming the field;
- the score is the share of drawn questions answered exactly right (for several right
  answers, exactly the set of right ones); passing needs `pass_percent`, and a pass may
  complete the course (`elearning.services.complete_if_done`).

A question removed from the bank after it was drawn is left out of the attempt (neither shown
nor counted); edits keep the ids of existing choices, position by position.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_system
from elearning.models import (
    Choice,
    Course,
    CourseEnrolment,
    CourseStatus,
    Lesson,
    LessonKind,
    Question,
    QuizAttempt,
)
from elearning.services import check_organiser, complete_if_done

# An answer may arrive a little after the deadline shown (the network, a slow phone): it is
# accepted within this grace. The countdown on the page submits at zero.
GRACE = dt.timedelta(seconds=5)
# What only the server decides: an answer carrying any of these is refused.
SERVER_MARKS = ("score", "score_percent", "passed")
# The draw: SystemRandom, so a learner cannot predict it (tests may swap in a seeded Random).
RANDOM = random.SystemRandom()
CHOICE_MAX_LENGTH = Choice._meta.get_field("text").max_length


# --- the question bank (organisers) -------------------------------------------------------


def _clean_choices(multiple: bool, choices) -> list[tuple[str, bool]]:
    cleaned, errors = [], []
    for item in choices or []:
        try:
            text, correct = item
        except (TypeError, ValueError):
            errors.append(_("Each answer is a text and whether it is right."))
            break
        text = str(text or "").strip()
        if not text:
            errors.append(_("Every answer needs a text."))
            break
        if len(text) > CHOICE_MAX_LENGTH:
            errors.append(_("An answer is at most %(n)s characters.") % {"n": CHOICE_MAX_LENGTH})
            break
        cleaned.append((text, bool(correct)))
    if not errors:
        texts = [text.casefold() for text, _correct in cleaned]
        right = sum(1 for _text, correct in cleaned if correct)
        if len(cleaned) < 2:
            errors.append(_("Give at least two answers."))
        elif len(set(texts)) != len(texts):
            errors.append(_("Two answers have the same text."))
        elif not multiple and right != 1:
            errors.append(_("A single-choice question has exactly one right answer."))
        elif multiple and right < 1:
            errors.append(_("Mark at least one right answer."))
    if errors:
        raise ValidationError({"choices": errors})
    return cleaned


@transaction.atomic
def question_save(
    *, user, course: Course, text: str, multiple: bool, choices, question: Question | None = None
) -> Question:
    """Add a question to the course's bank, or change one: its text, single or multiple
    choice, and its answers as (text, right) pairs, in order. Existing answers keep their
    ids position by position (past attempts still find them); surplus ones are removed."""
    check_organiser(user, course)
    if question is not None and question.course_id != course.pk:
        raise ValidationError(_("This question belongs to another course."))
    errors = {}
    text = str(text or "").strip()
    if not text:
        errors["text"] = [_("Write the question.")]
    try:
        cleaned = _clean_choices(bool(multiple), choices)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    question = question or Question(course=course)
    question.text, question.multiple = text, bool(multiple)
    question.full_clean()
    question.save()
    existing = list(question.choices.order_by("id"))
    for index, (choice_text, correct) in enumerate(cleaned):
        if index < len(existing):
            choice = existing[index]
            if (choice.text, choice.correct) != (choice_text, correct):
                choice.text, choice.correct = choice_text, correct
                choice.save(update_fields=["text", "correct"])
        else:
            Choice.objects.create(question=question, text=choice_text, correct=correct)
    surplus = [c.pk for c in existing[len(cleaned) :]]
    if surplus:
        Choice.objects.filter(pk__in=surplus).delete()
    return question


def quiz_lessons(course: Course):
    return Lesson.objects.filter(module__course=course, kind=LessonKind.QUIZ)


@transaction.atomic
def question_delete(*, user, question: Question) -> None:
    """Remove a question from the bank; a published course keeps enough questions for each of
    its quizzes to draw."""
    course = question.course
    check_organiser(user, course)
    if course.status == CourseStatus.PUBLISHED:
        held = course.questions.count() - 1
        lesson = (
            quiz_lessons(course).filter(question_count__gt=held).order_by("-question_count").first()
        )
        if lesson is not None:
            raise ValidationError(
                _(
                    "The quiz “%(title)s” draws %(n)s questions: the bank of a published course "
                    "cannot hold fewer."
                )
                % {"title": lesson.title, "n": lesson.question_count}
            )
    question.delete()


# --- attempts (learners) ------------------------------------------------------------------


def _own(user, enrolment: CourseEnrolment) -> None:
    if is_system(user) or user.person_id is None or user.person_id != enrolment.person_id:
        raise ValidationError(_("Only the learner can do this."))


def is_overdue(attempt: QuizAttempt, now: dt.datetime | None = None) -> bool:
    """Past its deadline (and the grace) without having been submitted."""
    return (
        attempt.submitted_at is None
        and attempt.deadline_at is not None
        and (now or timezone.now()) > attempt.deadline_at + GRACE
    )


def is_expired(attempt: QuizAttempt) -> bool:
    """Closed by the server because time ran out (no answer was marked)."""
    return (
        attempt.submitted_at is not None
        and attempt.deadline_at is not None
        and attempt.submitted_at > attempt.deadline_at + GRACE
    )


def is_open(attempt: QuizAttempt, now: dt.datetime | None = None) -> bool:
    return attempt.submitted_at is None and not is_overdue(attempt, now)


def seconds_left(attempt: QuizAttempt, now: dt.datetime | None = None) -> int | None:
    """Whole seconds until the deadline (None without a time limit), never below zero."""
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - (now or timezone.now())).total_seconds()))


def _expire(attempt: QuizAttempt, now: dt.datetime) -> None:
    attempt.submitted_at, attempt.score_percent, attempt.passed = now, Decimal(0), False
    attempt.save(update_fields=["submitted_at", "score_percent", "passed"])


def expire_overdue(attempt: QuizAttempt) -> bool:
    """Close an attempt whose time ran out (score 0, not passed): it counts as used."""
    with transaction.atomic():
        locked = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        now = timezone.now()
        if not is_overdue(locked, now):
            return False
        _expire(locked, now)
    attempt.submitted_at, attempt.score_percent, attempt.passed = (
        locked.submitted_at,
        locked.score_percent,
        locked.passed,
    )
    return True


@dataclass
class QuizState:
    """A learner's standing in one quiz, for the lesson page."""

    lesson: Lesson
    attempts: list = field(default_factory=list)
    open: QuizAttempt | None = None

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def allowed(self) -> int:
        return self.lesson.max_attempts

    @property
    def left(self) -> int:
        return max(0, self.allowed - self.used)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def best(self) -> Decimal | None:
        scores = [a.score_percent for a in self.attempts if a.score_percent is not None]
        return max(scores) if scores else None

    @property
    def may_start(self) -> bool:
        return self.open is None and not self.passed and self.left > 0


def quiz_state(enrolment: CourseEnrolment, lesson: Lesson) -> QuizState:
    attempts = list(
        QuizAttempt.objects.filter(enrolment=enrolment, lesson=lesson).order_by("started_at", "id")
    )
    now = timezone.now()
    return QuizState(
        lesson=lesson, attempts=attempts, open=next((a for a in attempts if is_open(a, now)), None)
    )


def _draw(lesson: Lesson) -> list[dict]:
    bank = list(
        Question.objects.filter(course_id=lesson.module.course_id).values_list("pk", flat=True)
    )
    if not bank:
        raise ValidationError(_("The question bank of this quiz is empty."))
    picked = RANDOM.sample(bank, min(lesson.question_count, len(bank)))
    by_question: dict[int, list[int]] = {pk: [] for pk in picked}
    for question_id, choice_id in Choice.objects.filter(question_id__in=picked).values_list(
        "question_id", "pk"
    ):
        by_question[question_id].append(choice_id)
    drawn = []
    for pk in picked:
        choices = sorted(by_question[pk])
        RANDOM.shuffle(choices)
        drawn.append({"question": pk, "choices": choices})
    return drawn


@transaction.atomic
def attempt_start(*, user, enrolment: CourseEnrolment, lesson: Lesson) -> QuizAttempt:
    """The learner starts an attempt at a quiz of their course: one at a time, within the
    attempts allowed (every attempt started counts), not once passed."""
    _own(user, enrolment)
    if lesson.kind != LessonKind.QUIZ:
        raise ValidationError(_("This lesson is not a quiz."))
    if lesson.module.course_id != enrolment.course_id:
        raise ValidationError(_("This lesson belongs to another course."))
    # One start at a time per learner: the enrolment's row is the lock.
    enrolment = CourseEnrolment.objects.select_for_update().get(pk=enrolment.pk)
    now = timezone.now()
    for attempt in QuizAttempt.objects.filter(
        enrolment=enrolment, lesson=lesson, submitted_at__isnull=True
    ):
        if is_overdue(attempt, now):
            _expire(attempt, now)
    state = quiz_state(enrolment, lesson)
    if state.passed:
        raise ValidationError(_("You have already passed this quiz."))
    if state.open is not None:
        raise ValidationError(_("Finish the attempt you started before starting another."))
    if state.left <= 0:
        raise ValidationError(
            _("You have used all %(n)s attempts allowed for this quiz.")
            % {"n": lesson.max_attempts}
        )
    deadline = (
        now + dt.timedelta(minutes=lesson.time_limit_minutes) if lesson.time_limit_minutes else None
    )
    attempt = QuizAttempt.objects.create(
        enrolment=enrolment, lesson=lesson, drawn=_draw(lesson), deadline_at=deadline
    )
    enrolment.last_lesson, enrolment.last_activity_at = lesson, now
    enrolment.save(update_fields=["last_lesson", "last_activity_at"])
    return attempt


def _as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _clean_answers(attempt: QuizAttempt, answers, multiple: dict[int, bool]) -> dict:
    """{question id: sorted choice ids}, every question drawn and every choice one of its
    own as drawn; a single-choice question takes one choice at most."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("Give the answers as question → choices.")})
    drawn = {item["question"]: set(item["choices"]) for item in attempt.drawn}
    cleaned, errors = {}, []
    for raw_question, raw_choices in answers.items():
        question = _as_id(raw_question)
        if question is None or question not in drawn:
            errors.append(_("Question %(id)s is not part of this attempt.") % {"id": raw_question})
            continue
        if raw_choices is None:
            raw_choices = []
        if not isinstance(raw_choices, list | tuple | set):
            raw_choices = [raw_choices]
        chosen = set()
        for raw_choice in raw_choices:
            choice = _as_id(raw_choice)
            if choice is None or choice not in drawn[question]:
                errors.append(
                    _("Answer %(choice)s does not belong to question %(id)s.")
                    % {"choice": raw_choice, "id": question}
                )
                continue
            chosen.add(choice)
        if len(chosen) > 1 and not multiple.get(question, False):
            errors.append(_("Question %(id)s takes one answer only.") % {"id": question})
        cleaned[question] = sorted(chosen)
    if errors:
        raise ValidationError({"answers": errors})
    return cleaned


def _bank_of(attempt: QuizAttempt) -> dict[int, Question]:
    """The drawn questions still in the bank, with their choices."""
    ids = [item["question"] for item in attempt.drawn]
    return {q.pk: q for q in Question.objects.filter(pk__in=ids).prefetch_related("choices")}


def _percent(right: int, counted: int) -> Decimal:
    if not counted:
        return Decimal(0)
    return (Decimal(right * 100) / Decimal(counted)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def refuse_client_marks(extra: dict) -> None:
    """Anything sent beside the answers is refused, naming it; a score above all."""
    if not extra:
        return
    errors = {}
    for name in extra:
        if str(name).rsplit(".", 1)[-1] in SERVER_MARKS:
            errors[name] = _("The server marks the quiz: a score sent with the answers is refused.")
        else:
            errors[name] = _("Unknown field: only the answers are sent.")
    raise ValidationError(errors)


def attempt_submit(*, user, attempt: QuizAttempt, answers, **extra) -> QuizAttempt:
    """The learner hands in their answers ({question id: [choice ids]}); the server marks
    them. Refused: by anyone else, twice, after the deadline (+ `GRACE`: the attempt is then
    closed as expired, score 0), with a question or a choice that was not drawn, and with a
    score of the client's."""
    _own(user, attempt.enrolment)
    refuse_client_marks(extra)
    expired = False
    with transaction.atomic():
        # Locks in the order attempt_start takes them (the enrolment, then its attempts).
        CourseEnrolment.objects.select_for_update().only("pk").get(pk=attempt.enrolment_id)
        attempt = (
            QuizAttempt.objects.select_for_update(of=("self",))
            .select_related("lesson", "enrolment")
            .get(pk=attempt.pk)
        )
        if attempt.submitted_at is not None:
            raise ValidationError(_("This attempt was already submitted."))
        now = timezone.now()
        if is_overdue(attempt, now):
            _expire(attempt, now)
            expired = True
        else:
            bank = _bank_of(attempt)
            chosen = _clean_answers(attempt, answers, {pk: q.multiple for pk, q in bank.items()})
            right = 0
            for question in bank.values():
                correct = {c.pk for c in question.choices.all() if c.correct}
                if set(chosen.get(question.pk, [])) == correct:
                    right += 1
            attempt.answers = {str(pk): ids for pk, ids in chosen.items()}
            attempt.score_percent = _percent(right, len(bank))
            attempt.passed = attempt.score_percent >= attempt.lesson.pass_percent
            attempt.submitted_at = now
            attempt.save(update_fields=["answers", "score_percent", "passed", "submitted_at"])
            enrolment = attempt.enrolment
            enrolment.last_lesson, enrolment.last_activity_at = attempt.lesson, now
            enrolment.save(update_fields=["last_lesson", "last_activity_at"])
            if attempt.passed:
                complete_if_done(enrolment)
    if expired:
        raise ValidationError(
            _(
                "The time allowed for this quiz ran out before your answers "
                "arrived: the attempt is closed with a score of 0 and counts "
                "as used."
            )
        )
    return attempt


# --- what the learner sees ----------------------------------------------------------------


def attempt_questions(attempt: QuizAttempt) -> list[dict]:
    """The drawn questions in order, each with its choices as shuffled — and nothing about
    which is right: this is what an open attempt shows."""
    bank = _bank_of(attempt)
    out = []
    for item in attempt.drawn:
        question = bank.get(item["question"])
        if question is None:
            continue
        texts = {c.pk: c.text for c in question.choices.all()}
        out.append(
            {
                "id": question.pk,
                "text": question.text,
                "multiple": question.multiple,
                "choices": [{"id": pk, "text": texts[pk]} for pk in item["choices"] if pk in texts],
            }
        )
    return out


def attempt_feedback(attempt: QuizAttempt) -> list[dict]:
    """Once submitted: each question with what was chosen, what was right, and whether the
    answer was right. Empty before submission."""
    if attempt.submitted_at is None:
        return []
    bank = _bank_of(attempt)
    answers = {int(k): set(v) for k, v in (attempt.answers or {}).items()}
    out = []
    for item in attempt.drawn:
        question = bank.get(item["question"])
        if question is None:
            continue
        by_id = {c.pk: c for c in question.choices.all()}
        chosen = answers.get(question.pk, set())
        correct = {pk for pk, c in by_id.items() if c.correct}
        out.append(
            {
                "id": question.pk,
                "text": question.text,
                "multiple": question.multiple,
                "right": chosen == correct,
                "answered": bool(chosen),
                "chosen": sorted(chosen & set(by_id)),
                "correct": sorted(correct),
                "choices": [
                    {
                        "id": pk,
                        "text": by_id[pk].text,
                        "correct": by_id[pk].correct,
                        "chosen": pk in chosen,
                    }
                    for pk in item["choices"]
                    if pk in by_id
                ],
            }
        )
    return out
