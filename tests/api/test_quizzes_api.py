"""Quizzes through the API (issue 8, acceptance 2): a learner starts an attempt (questions
drawn, choices shuffled, nothing saying what is right), submits their answers and gets the
server's marking; late answers, attempts past the limit and a score from the client are
refused with 422; another person's attempt does not exist (404)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import UserRole
from elearning import quizzes, services
from elearning.models import CourseEnrolment, QuizAttempt
from tests.api import ApiClient, fields_of
from tests.conftest import make_user
from tests.elearning.test_quizzes import clock, make_quiz_course, right_answers, wrong_answers
from training.models import Form, TrainingRecord


@pytest.fixture
def quiz(tree):
    return make_quiz_course(tree)


@pytest.fixture
def learner(tree):
    return ApiClient(tree.cadre)


def keys_in(document) -> set:
    """Every key anywhere in a JSON document."""
    if isinstance(document, dict):
        return set(document) | set().union(*(keys_in(v) for v in document.values()))
    if isinstance(document, list):
        return set().union(*(keys_in(v) for v in document)) if document else set()
    return set()


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def as_payload(answers: dict) -> dict:
    return {"answers": [{"question": pk, "choices": ids} for pk, ids in answers.items()]}


def test_start_draws_shuffled_questions_without_saying_what_is_right(tree, quiz, learner):
    started = ok(learner.post(f"/lessons/{quiz.lesson.pk}/attempts"), 201)
    attempt = QuizAttempt.objects.get(key=started["key"])
    assert len(started["questions"]) == 3
    assert [(q["id"], [c["id"] for c in q["choices"]]) for q in started["questions"]] == [
        (item["question"], item["choices"]) for item in attempt.drawn
    ]
    assert started["deadline_at"] and 0 < started["seconds_left"] <= 600
    assert started["attempt_number"] == 1 and started["attempts_left"] == 1
    assert started["feedback"] is None and started["score_percent"] is None
    assert not keys_in(started) & {"correct", "right"}
    shown = ok(learner.get(f"/attempts/{started['key']}"))
    assert not keys_in(shown) & {"correct", "right"}
    assert shown["questions"] == started["questions"]
    state = ok(learner.get(f"/lessons/{quiz.lesson.pk}/attempts"))
    assert state["open"] == started["key"] and state["attempts_used"] == 1
    assert not state["may_start"]
    # While it is open, no other attempt starts.
    refused = learner.post(f"/lessons/{quiz.lesson.pk}/attempts")
    assert refused.status_code == 422


def test_submitting_marks_on_the_server_and_completes_the_course(tree, quiz, learner):
    started = ok(learner.post(f"/lessons/{quiz.lesson.pk}/attempts"), 201)
    attempt = QuizAttempt.objects.get(key=started["key"])
    failed = ok(
        learner.post(f"/attempts/{started['key']}/submit", as_payload(wrong_answers(attempt)))
    )
    assert failed["score_percent"] == "0.00" and failed["passed"] is False
    assert failed["questions"] == [] and len(failed["feedback"]) == 3
    assert all(not f["right"] for f in failed["feedback"])
    right = right_answers(attempt)
    for item in failed["feedback"]:
        assert item["correct"] == sorted(right[item["question"]])
        assert [c["correct"] for c in item["choices"]].count(True) == len(item["correct"])
    assert not failed["course_completed"]

    second = ok(learner.post(f"/lessons/{quiz.lesson.pk}/attempts"), 201)
    attempt = QuizAttempt.objects.get(key=second["key"])
    passed = ok(
        learner.post(f"/attempts/{second['key']}/submit", as_payload(right_answers(attempt)))
    )
    assert passed["score_percent"] == "100.00" and passed["passed"] is True
    assert passed["course_completed"] and all(f["right"] for f in passed["feedback"])
    enrolment = CourseEnrolment.objects.get(pk=quiz.enrolment.pk)
    record = TrainingRecord.objects.get(pk=enrolment.record_id)
    assert record.form == Form.ONLINE and record.certificate_number
    # Submitting again is refused; the result stays readable.
    again = learner.post(f"/attempts/{second['key']}/submit", as_payload(wrong_answers(attempt)))
    assert again.status_code == 422
    assert ok(learner.get(f"/attempts/{second['key']}"))["passed"] is True


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"score": 100}, "score"),
        ({"score_percent": 100}, "score_percent"),
        ({"passed": True}, "passed"),
        ({"user": 1}, "user"),
    ],
)
def test_a_score_computed_by_the_client_is_refused(tree, quiz, learner, extra, field):
    started = ok(learner.post(f"/lessons/{quiz.lesson.pk}/attempts"), 201)
    attempt = QuizAttempt.objects.get(key=started["key"])
    response = learner.post(
        f"/attempts/{started['key']}/submit", {**as_payload(right_answers(attempt)), **extra}
    )
    assert response.status_code == 422 and fields_of(response) == {field}
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score_percent is None


@pytest.mark.parametrize("name", ["score", "correct"])
def test_a_mark_inside_an_answer_is_refused(tree, quiz, learner, name):
    started = ok(learner.post(f"/lessons/{quiz.lesson.pk}/attempts"), 201)
    attempt = QuizAttempt.objects.get(key=started["key"])
    payload = as_payload(right_answers(attempt))
    payload["answers"][0][name] = 1
    response = learner.post(f"/attempts/{started['key']}/submit", payload)
    assert response.status_code == 422 and fields_of(response) == {f"answers.0.{name}"}
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_an_answer_after_the_time_limit_is_refused(tree, quiz, learner):
    at = timezone.now()
    with clock(at):
        started = ok(learner.post(f"/lessons/{quiz.lesson.pk}/attempts"), 201)
    attempt = QuizAttempt.objects.get(key=started["key"])
    assert attempt.deadline_at == at + dt.timedelta(minutes=10)
    with clock(attempt.deadline_at + quizzes.GRACE + dt.timedelta(seconds=1)):
        response = learner.post(
            f"/attempts/{started['key']}/submit", as_payload(right_answers(attempt))
        )
        assert response.status_code == 422
        shown = ok(learner.get(f"/attempts/{started['key']}"))
    assert shown["expired"] and shown["passed"] is False and shown["score_percent"] == "0.00"
    assert shown["attempts_left"] == 1
    assert not CourseEnrolment.objects.get(pk=quiz.enrolment.pk).completed_at


def test_an_answer_within_the_grace_is_marked(tree, quiz, learner):
    at = timezone.now()
    with clock(at):
        started = ok(learner.post(f"/lessons/{quiz.lesson.pk}/attempts"), 201)
    attempt = QuizAttempt.objects.get(key=started["key"])
    with clock(attempt.deadline_at + quizzes.GRACE - dt.timedelta(seconds=1)):
        marked = ok(
            learner.post(f"/attempts/{started['key']}/submit", as_payload(right_answers(attempt)))
        )
    assert marked["passed"] is True and not marked["expired"]


def test_past_the_attempt_limit_the_start_is_refused(tree, quiz, learner):
    for _round in range(2):
        started = ok(learner.post(f"/lessons/{quiz.lesson.pk}/attempts"), 201)
        attempt = QuizAttempt.objects.get(key=started["key"])
        ok(learner.post(f"/attempts/{started['key']}/submit", as_payload(wrong_answers(attempt))))
    response = learner.post(f"/lessons/{quiz.lesson.pk}/attempts")
    assert response.status_code == 422
    assert QuizAttempt.objects.filter(enrolment=quiz.enrolment).count() == 2
    state = ok(learner.get(f"/lessons/{quiz.lesson.pk}/attempts"))
    assert state["attempts_left"] == 0 and not state["may_start"]
    assert state["best_percent"] == "0.00"


def test_answers_outside_the_draw_are_refused(tree, quiz, learner):
    started = ok(learner.post(f"/lessons/{quiz.lesson.pk}/attempts"), 201)
    attempt = QuizAttempt.objects.get(key=started["key"])
    drawn = {item["question"] for item in attempt.drawn}
    undrawn = next(q for q in quiz.questions if q.pk not in drawn)
    first, second = attempt.drawn[0], attempt.drawn[1]
    for payload in (
        {"answers": [{"question": undrawn.pk, "choices": []}]},
        {"answers": [{"question": first["question"], "choices": second["choices"][:1]}]},
        {
            "answers": [
                {"question": first["question"], "choices": []},
                {"question": first["question"], "choices": []},
            ]
        },
    ):
        response = learner.post(f"/attempts/{started['key']}/submit", payload)
        assert response.status_code == 422 and fields_of(response) == {"answers"}
    response = learner.post(
        f"/attempts/{started['key']}/submit", {"answers": [{"question": "one", "choices": ["a"]}]}
    )
    assert response.status_code == 422
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_another_persons_attempt_does_not_exist(tree, quiz, learner):
    started = ok(learner.post(f"/lessons/{quiz.lesson.pk}/attempts"), 201)
    attempt = QuizAttempt.objects.get(key=started["key"])
    other = make_user("binh", tree.factory, UserRole.CADRE, person=tree.tran)
    services.enrol(user=other, course=quiz.course)
    outsider = make_user("le", tree.nt_grassroots, UserRole.CADRE, person=tree.le)
    for user in (other, outsider, tree.hanoi_officer, tree.admin):
        client = ApiClient(user)
        assert client.get(f"/attempts/{started['key']}").status_code == 404
        response = client.post(
            f"/attempts/{started['key']}/submit", as_payload(right_answers(attempt))
        )
        assert response.status_code == 404
    # Not enrolled (or no person): the quiz is not found for them.
    for user in (outsider, tree.hanoi_officer):
        client = ApiClient(user)
        assert client.post(f"/lessons/{quiz.lesson.pk}/attempts").status_code == 404
        assert client.get(f"/lessons/{quiz.lesson.pk}/attempts").status_code == 404
    assert learner.get("/attempts/not-a-key").status_code == 404
    assert ApiClient().get(f"/attempts/{started['key']}").status_code == 401
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert QuizAttempt.objects.count() == 1
