"""Quizzes (issue 8, acceptance 2): the question bank and its rules, attempts drawn at random
with shuffled choices, timed and limited on the server, marked by the server alone (a score
from the client is refused), what is right hidden until submission, and a pass completing
the course with an online training record and its certificate. Through the services and the
pages."""

import datetime as dt
import random
import re
from contextlib import contextmanager
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.access import SYSTEM
from accounts.models import UserRole
from elearning import quizzes, services
from elearning.models import Choice, CourseEnrolment, Question, QuizAttempt
from tests.conftest import make_user
from training.models import Form, TrainingRecord

SINGLE = [
    ("Đại hội công đoàn cơ sở", True),
    ("Ban chấp hành", False),
    ("Ban thường vụ", False),
    ("Ủy ban kiểm tra", False),
]
MULTIPLE = [("Đại diện", True), ("Bảo vệ", True), ("Kinh doanh", False), ("Chăm lo", True)]


@contextmanager
def clock(at: dt.datetime):
    """The server's time, without sleeping: every timezone.now() (attempt times, deadlines,
    auto_now fields) answers `at`."""
    with patch("django.utils.timezone.now", return_value=at):
        yield


def make_quiz_course(
    tree,
    *,
    code="ONL-Q-01",
    question_count=3,
    max_attempts=2,
    time_limit=10,
    pass_percent=60,
    singles=3,
    multiples=2,
):
    """A Hà Nội course whose only lesson is a quiz drawing `question_count` of a bank of
    single- and multiple-choice questions; the demo chair (tree.cadre) is enrolled."""
    w = SimpleNamespace(tree=tree)
    officer = tree.hanoi_officer
    w.course = services.course_save(
        user=officer,
        organiser=tree.hanoi,
        code=code,
        title="Kỹ năng công tác công đoàn cơ sở",
        hours=8,
        topics=[tree.topic],
    )
    w.module = services.module_save(user=officer, course=w.course, title="Phần 1")
    w.lesson = services.lesson_save(
        user=officer,
        module=w.module,
        title="Bài kiểm tra cuối",
        kind="quiz",
        question_count=question_count,
        max_attempts=max_attempts,
        pass_percent=pass_percent,
        time_limit_minutes=time_limit,
    )
    w.questions = [
        quizzes.question_save(
            user=officer,
            course=w.course,
            text=f"Câu hỏi một đáp án {i}",
            multiple=False,
            choices=SINGLE,
        )
        for i in range(singles)
    ]
    w.questions += [
        quizzes.question_save(
            user=officer,
            course=w.course,
            text=f"Câu hỏi nhiều đáp án {i}",
            multiple=True,
            choices=MULTIPLE,
        )
        for i in range(multiples)
    ]
    services.course_publish(user=officer, course=w.course)
    w.enrolment = services.enrol(user=tree.cadre, course=w.course)
    return w


@pytest.fixture
def quiz(tree):
    return make_quiz_course(tree)


def right_answers(attempt: QuizAttempt) -> dict[int, list[int]]:
    ids = [item["question"] for item in attempt.drawn]
    out = {pk: [] for pk in ids}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=ids, correct=True
    ).values_list("question_id", "pk"):
        out[question_id].append(choice_id)
    return out


def wrong_answers(attempt: QuizAttempt) -> dict[int, list[int]]:
    ids = [item["question"] for item in attempt.drawn]
    out = {}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=ids, correct=False
    ).values_list("question_id", "pk"):
        out.setdefault(question_id, [choice_id])
    return out


def start(w, user=None):
    return quizzes.attempt_start(user=user or w.tree.cadre, enrolment=w.enrolment, lesson=w.lesson)


# --- the question bank --------------------------------------------------------------------


@pytest.mark.parametrize(
    "multiple, choices, field",
    [
        (False, [("Chỉ một", True)], "choices"),
        (False, [("A", False), ("B", False)], "choices"),
        (False, [("A", True), ("B", True), ("C", False)], "choices"),
        (True, [("A", False), ("B", False), ("C", False)], "choices"),
        (False, [("A", True), ("  ", False)], "choices"),
        (False, [("Giống", True), ("giống", False)], "choices"),
        (False, [("A" * 501, True), ("B", False)], "choices"),
    ],
)
def test_bad_bank_input_is_refused(tree, quiz, multiple, choices, field):
    before = (Question.objects.count(), Choice.objects.count())
    with pytest.raises(ValidationError) as refused:
        quizzes.question_save(
            user=tree.hanoi_officer,
            course=quiz.course,
            text="Câu hỏi",
            multiple=multiple,
            choices=choices,
        )
    assert field in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        quizzes.question_save(
            user=tree.hanoi_officer, course=quiz.course, text="  ", multiple=False, choices=SINGLE
        )
    assert "text" in refused.value.message_dict
    assert (Question.objects.count(), Choice.objects.count()) == before


def test_only_writers_of_the_organisers_subtree_write_the_bank(tree, quiz):
    question = quiz.questions[0]
    for user in (tree.nt_officer, tree.melinh_officer, tree.inspector, tree.cadre):
        with pytest.raises(ValidationError):
            quizzes.question_save(
                user=user, course=quiz.course, text="Câu mới", multiple=False, choices=SINGLE
            )
        with pytest.raises(ValidationError):
            quizzes.question_delete(user=user, question=question)
    assert Question.objects.filter(pk=question.pk).exists()
    assert quiz.course.questions.count() == 5
    # The national administrator is above Hà Nội: allowed.
    quizzes.question_save(
        user=tree.admin,
        course=quiz.course,
        text="Câu của trung ương",
        multiple=False,
        choices=SINGLE,
    )


def test_editing_a_question_keeps_its_choice_ids(tree, quiz):
    question = quiz.questions[0]
    ids = list(question.choices.order_by("id").values_list("pk", flat=True))
    quizzes.question_save(
        user=tree.hanoi_officer,
        course=quiz.course,
        question=question,
        text="Câu hỏi đã sửa",
        multiple=True,
        choices=[("Một", True), ("Hai", True), ("Ba", False)],
    )
    question.refresh_from_db()
    assert question.text == "Câu hỏi đã sửa" and question.multiple
    assert list(question.choices.order_by("id").values_list("pk", "text", "correct")) == [
        (ids[0], "Một", True),
        (ids[1], "Hai", True),
        (ids[2], "Ba", False),
    ]
    other = make_quiz_course(tree, code="ONL-Q-02")
    with pytest.raises(ValidationError):
        quizzes.question_save(
            user=tree.hanoi_officer,
            course=other.course,
            question=question,
            text="x",
            multiple=False,
            choices=SINGLE,
        )


def test_a_published_course_keeps_enough_questions_for_its_quiz(tree):
    w = make_quiz_course(tree, question_count=3, singles=2, multiples=1)
    with pytest.raises(ValidationError):
        quizzes.question_delete(user=tree.hanoi_officer, question=w.questions[0])
    assert w.course.questions.count() == 3
    quizzes.question_save(
        user=tree.hanoi_officer, course=w.course, text="Câu thêm", multiple=False, choices=SINGLE
    )
    quizzes.question_delete(user=tree.hanoi_officer, question=w.questions[0])
    assert w.course.questions.count() == 3


# --- the draw -----------------------------------------------------------------------------


def test_an_attempt_draws_n_of_m_questions_with_shuffled_choices(tree, quiz):
    bank = {q.pk: set(q.choices.values_list("pk", flat=True)) for q in quiz.questions}
    attempt = start(quiz)
    assert len(attempt.drawn) == 3
    assert len({item["question"] for item in attempt.drawn}) == 3
    for item in attempt.drawn:
        assert sorted(item["choices"]) == sorted(bank[item["question"]])
    # Many draws: different questions and different choice orders, always N of M.
    draws = [quizzes._draw(quiz.lesson) for _ in range(60)]
    assert all(len(d) == 3 and {i["question"] for i in d} <= set(bank) for d in draws)
    assert len({tuple(sorted(i["question"] for i in d)) for d in draws}) > 1
    orders = {
        tuple(i["choices"]) for d in draws for i in d if i["question"] == quiz.questions[0].pk
    }
    assert len(orders) > 1
    # The same seed draws the same; another seed draws otherwise.
    with patch.object(quizzes, "RANDOM", random.Random(2026)):
        first = quizzes._draw(quiz.lesson)
    with patch.object(quizzes, "RANDOM", random.Random(2026)):
        again = quizzes._draw(quiz.lesson)
    assert first == again
    others = []
    for seed in range(5):
        with patch.object(quizzes, "RANDOM", random.Random(seed)):
            others.append(quizzes._draw(quiz.lesson))
    assert any(o != first for o in others)


def test_a_timed_quiz_has_a_deadline_and_an_untimed_one_none(tree):
    timed = make_quiz_course(tree, time_limit=15)
    at = timezone.now().replace(microsecond=0)
    with clock(at):
        attempt = start(timed)
    assert attempt.deadline_at == at + dt.timedelta(minutes=15)
    assert quizzes.seconds_left(attempt, at + dt.timedelta(minutes=5)) == 600
    untimed = make_quiz_course(tree, code="ONL-Q-03", time_limit=None)
    assert start(untimed).deadline_at is None


# --- acceptance 2: the server rejects late answers, extra attempts and a client's score ---


def test_an_answer_after_the_time_limit_is_refused_and_the_attempt_counts(tree, quiz):
    at = timezone.now()
    with clock(at):
        attempt = start(quiz)
    # Within the grace (a few seconds for the network): accepted.
    with clock(at + dt.timedelta(minutes=10) + quizzes.GRACE - dt.timedelta(seconds=1)):
        quizzes.attempt_submit(user=tree.cadre, attempt=attempt, answers=right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.passed
    # A second quiz: the answer arrives after the deadline and the grace.
    w = make_quiz_course(tree, code="ONL-Q-LATE")
    with clock(at):
        late = start(w)
    with clock(at + dt.timedelta(minutes=10) + quizzes.GRACE + dt.timedelta(seconds=1)):
        with pytest.raises(ValidationError) as refused:
            quizzes.attempt_submit(user=tree.cadre, attempt=late, answers=right_answers(late))
    assert "0" in refused.value.messages[0]
    late.refresh_from_db()
    assert late.submitted_at is not None and late.passed is False
    assert late.score_percent == 0 and late.answers == {}
    assert quizzes.is_expired(late)
    # Counted as used: one attempt of two left; handing it in again is refused.
    assert quizzes.quiz_state(w.enrolment, w.lesson).left == 1
    with pytest.raises(ValidationError):
        quizzes.attempt_submit(user=tree.cadre, attempt=late, answers=right_answers(late))
    assert not CourseEnrolment.objects.get(pk=w.enrolment.pk).completed_at


def test_an_attempt_left_to_run_out_is_closed_when_the_next_one_starts(tree, quiz):
    at = timezone.now()
    with clock(at):
        first = start(quiz)
    with clock(at + dt.timedelta(minutes=3)):
        with pytest.raises(ValidationError):
            start(quiz)  # the first one is still open
    with clock(at + dt.timedelta(minutes=11)):
        second = start(quiz)
    first.refresh_from_db()
    assert quizzes.is_expired(first) and first.passed is False
    assert second.pk != first.pk


def test_past_the_attempt_limit_no_attempt_starts(tree, quiz):
    for _round in range(2):
        attempt = start(quiz)
        quizzes.attempt_submit(user=tree.cadre, attempt=attempt, answers=wrong_answers(attempt))
    with pytest.raises(ValidationError) as refused:
        start(quiz)
    assert "2" in refused.value.messages[0]
    assert QuizAttempt.objects.filter(enrolment=quiz.enrolment).count() == 2


@pytest.mark.parametrize("sent", [{"score_percent": 100}, {"score": 100}, {"passed": True}])
def test_a_score_computed_by_the_client_is_refused(tree, quiz, sent):
    attempt = start(quiz)
    with pytest.raises(ValidationError) as refused:
        quizzes.attempt_submit(
            user=tree.cadre, attempt=attempt, answers=wrong_answers(attempt), **sent
        )
    assert set(refused.value.message_dict) == set(sent)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score_percent is None
    assert attempt.passed is None


def test_answers_outside_the_draw_are_refused(tree, quiz):
    attempt = start(quiz)
    drawn = {item["question"] for item in attempt.drawn}
    undrawn = next(q for q in quiz.questions if q.pk not in drawn)
    first = attempt.drawn[0]["question"]
    second = attempt.drawn[1]
    single = next(
        item for item in attempt.drawn if not Question.objects.get(pk=item["question"]).multiple
    )
    for answers in (
        {undrawn.pk: [undrawn.choices.first().pk]},
        {first: [second["choices"][0]]},
        {single["question"]: single["choices"][:2]},
        {"abc": []},
        {first: ["x"]},
    ):
        with pytest.raises(ValidationError) as refused:
            quizzes.attempt_submit(user=tree.cadre, attempt=attempt, answers=answers)
        assert "answers" in refused.value.message_dict
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_only_the_learner_starts_and_submits(tree, quiz):
    other = make_user("binh", tree.factory, UserRole.CADRE, person=tree.tran)
    services.enrol(user=other, course=quiz.course)
    for user in (other, tree.hanoi_officer, tree.admin, SYSTEM):
        with pytest.raises(ValidationError):
            quizzes.attempt_start(user=user, enrolment=quiz.enrolment, lesson=quiz.lesson)
    attempt = start(quiz)
    for user in (other, tree.hanoi_officer, SYSTEM):
        with pytest.raises(ValidationError):
            quizzes.attempt_submit(user=user, attempt=attempt, answers=right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_a_quiz_of_another_course_or_a_lesson_that_is_no_quiz_is_refused(tree, quiz):
    text = services.lesson_save(
        user=tree.hanoi_officer,
        module=quiz.module,
        title="Đọc",
        kind="text",
        body="<p>Nội dung</p>",
        required=False,
    )
    other = make_quiz_course(tree, code="ONL-Q-OTHER")
    for lesson in (text, other.lesson):
        with pytest.raises(ValidationError):
            quizzes.attempt_start(user=tree.cadre, enrolment=quiz.enrolment, lesson=lesson)


# --- marking ------------------------------------------------------------------------------


def test_marking_single_and_multiple_choice(tree):
    w = make_quiz_course(tree, question_count=5, singles=3, multiples=2, pass_percent=40)
    attempt = start(w)
    bank = {q.pk: q for q in Question.objects.filter(course=w.course)}
    right = right_answers(attempt)
    wrong = wrong_answers(attempt)
    singles = [i["question"] for i in attempt.drawn if not bank[i["question"]].multiple]
    multiples = [i["question"] for i in attempt.drawn if bank[i["question"]].multiple]
    answers = {
        singles[0]: right[singles[0]],  # right
        singles[1]: wrong[singles[1]],  # wrong
        # singles[2] left blank                      # wrong
        multiples[0]: list(reversed(right[multiples[0]])),  # exactly the right set: right
        multiples[1]: right[multiples[1]][:2],  # only some of the right ones: wrong
    }
    attempt = quizzes.attempt_submit(user=tree.cadre, attempt=attempt, answers=answers)
    assert attempt.score_percent == 40 and attempt.passed  # 2 of 5, pass mark 40%
    feedback = {f["id"]: f for f in quizzes.attempt_feedback(attempt)}
    assert [feedback[pk]["right"] for pk in (*singles, *multiples)] == [
        True,
        False,
        False,
        True,
        False,
    ]
    assert feedback[singles[2]]["answered"] is False
    assert feedback[multiples[1]]["correct"] == sorted(right[multiples[1]])
    assert feedback[multiples[1]]["chosen"] == sorted(right[multiples[1]][:2])
    # A superset of the right answers is wrong too.
    w2 = make_quiz_course(
        tree, code="ONL-Q-SUPER", question_count=1, singles=0, multiples=1, pass_percent=100
    )
    attempt = start(w2)
    every = attempt.drawn[0]["choices"]
    attempt = quizzes.attempt_submit(
        user=tree.cadre, attempt=attempt, answers={attempt.drawn[0]["question"]: every}
    )
    assert attempt.score_percent == 0 and attempt.passed is False


def test_a_score_is_rounded_and_compared_with_the_pass_mark(tree):
    w = make_quiz_course(tree, question_count=3, singles=3, multiples=0, pass_percent=67)
    attempt = start(w)
    right = right_answers(attempt)
    answers = {pk: right[pk] for pk in list(right)[:2]}
    attempt = quizzes.attempt_submit(user=tree.cadre, attempt=attempt, answers=answers)
    assert str(attempt.score_percent) == "66.67" and attempt.passed is False


def test_passing_the_only_quiz_completes_the_course_with_a_certificate(tree, quiz):
    attempt = start(quiz)
    quizzes.attempt_submit(user=tree.cadre, attempt=attempt, answers=wrong_answers(attempt))
    quiz.enrolment.refresh_from_db()
    assert quiz.enrolment.completed_at is None
    attempt = start(quiz)
    attempt = quizzes.attempt_submit(
        user=tree.cadre, attempt=attempt, answers=right_answers(attempt)
    )
    assert attempt.score_percent == 100 and attempt.passed
    enrolment = CourseEnrolment.objects.get(pk=quiz.enrolment.pk)
    assert enrolment.completed_at is not None
    record = TrainingRecord.objects.get(pk=enrolment.record_id)
    assert record.person == tree.nguyen and record.form == Form.ONLINE
    assert record.hours == 8 and list(record.topics.all()) == [tree.topic]
    assert record.organiser == tree.hanoi and record.certificate_number
    # Once passed, no further attempt.
    with pytest.raises(ValidationError):
        start(quiz)


# --- pages: the learner -------------------------------------------------------------------


def without_tokens(html: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "", html)


def attempt_url(attempt) -> str:
    return reverse("elearning:quiz_attempt", args=[attempt.key])


def test_pages_start_answer_and_show_the_result(client, tree, quiz):
    client.force_login(tree.cadre)
    response = client.post(reverse("elearning:quiz_start", args=[quiz.lesson.pk]))
    attempt = QuizAttempt.objects.get(enrolment=quiz.enrolment)
    assert response.status_code == 302 and response["Location"] == attempt_url(attempt)
    # Posting start again resumes the open attempt rather than opening another.
    response = client.post(reverse("elearning:quiz_start", args=[quiz.lesson.pk]))
    assert response["Location"] == attempt_url(attempt)
    assert QuizAttempt.objects.filter(enrolment=quiz.enrolment).count() == 1

    page = client.get(attempt_url(attempt))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="quiz-countdown"' in html and 'data-seconds="' in html
    for item in attempt.drawn:  # every drawn choice offered, in the order drawn
        positions = [
            html.index(f'name="q{item["question"]}" value="{pk}"') for pk in item["choices"]
        ]
        assert positions == sorted(positions)

    right = right_answers(attempt)
    data = {f"q{pk}": ids for pk, ids in right.items()}
    response = client.post(attempt_url(attempt), data)
    assert response.status_code == 302
    result = client.get(attempt_url(attempt))
    html = result.content.decode()
    assert 'data-passed="true"' in html and "100%" in html
    for ids in right.values():
        for choice in ids:
            assert f'data-choice="{choice}" data-correct="true" data-chosen="true"' in html
    assert CourseEnrolment.objects.get(pk=quiz.enrolment.pk).completed_at is not None


def test_the_attempt_page_hides_what_is_right_before_submission(client, tree, quiz):
    client.force_login(tree.cadre)
    at = timezone.now()
    with clock(at):
        attempt = start(quiz)
        html = client.get(attempt_url(attempt)).content.decode()
    assert "correct" not in html.lower() and "data-chosen" not in html
    # The page is the same whichever answer is right: nothing in it depends on it (but the
    # CSRF token, masked anew on each page).
    question = Question.objects.get(pk=attempt.drawn[0]["question"])
    for choice in question.choices.all():
        Choice.objects.filter(pk=choice.pk).update(correct=not choice.correct)
    with clock(at):
        again = client.get(attempt_url(attempt)).content.decode()
    assert without_tokens(again) == without_tokens(html)


def test_a_page_answer_with_a_score_is_refused(client, tree, quiz):
    client.force_login(tree.cadre)
    attempt = start(quiz)
    data = {f"q{pk}": ids for pk, ids in wrong_answers(attempt).items()}
    response = client.post(attempt_url(attempt), {**data, "score_percent": "100"}, follow=True)
    assert response.status_code == 200
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score_percent is None
    refusal = gettext("The server marks the quiz: a score sent with the answers is refused.")
    assert refusal in [str(m) for m in response.context["messages"]]


def test_a_late_page_answer_is_refused_and_the_result_says_so(client, tree, quiz):
    client.force_login(tree.cadre)
    at = timezone.now()
    with clock(at):
        attempt = start(quiz)
    data = {f"q{pk}": ids for pk, ids in right_answers(attempt).items()}
    with clock(at + dt.timedelta(minutes=10, seconds=30)):
        response = client.post(attempt_url(attempt), data)
        assert response.status_code == 302
        html = client.get(attempt_url(attempt)).content.decode()
    attempt.refresh_from_db()
    assert attempt.passed is False and attempt.score_percent == 0
    assert 'data-passed="false"' in html and 'id="quiz-retry"' in html


def test_an_attempt_left_open_past_its_time_is_closed_when_shown(client, tree, quiz):
    client.force_login(tree.cadre)
    at = timezone.now()
    with clock(at):
        attempt = start(quiz)
    with clock(at + dt.timedelta(minutes=20)):
        html = client.get(attempt_url(attempt)).content.decode()
    attempt.refresh_from_db()
    assert quizzes.is_expired(attempt) and 'data-passed="false"' in html


def test_past_the_limit_the_start_is_refused_on_the_page(client, tree, quiz):
    client.force_login(tree.cadre)
    for _round in range(2):
        attempt = start(quiz)
        quizzes.attempt_submit(user=tree.cadre, attempt=attempt, answers=wrong_answers(attempt))
    response = client.post(reverse("elearning:quiz_start", args=[quiz.lesson.pk]), follow=True)
    assert response.status_code == 200
    assert QuizAttempt.objects.filter(enrolment=quiz.enrolment).count() == 2
    assert 'id="quiz-retry"' not in response.content.decode()


def test_another_persons_attempt_is_not_found(client, tree, quiz):
    attempt = start(quiz)
    other = make_user("binh", tree.factory, UserRole.CADRE, person=tree.tran)
    services.enrol(user=other, course=quiz.course)
    for user in (other, tree.hanoi_officer, tree.admin):
        client.force_login(user)
        assert client.get(attempt_url(attempt)).status_code == 404
        data = {f"q{pk}": ids for pk, ids in right_answers(attempt).items()}
        assert client.post(attempt_url(attempt), data).status_code == 404
    # Not enrolled, or no person at all: the quiz does not exist for them.
    outsider = make_user("le", tree.nt_grassroots, UserRole.CADRE, person=tree.le)
    for user in (outsider, tree.hanoi_officer):
        client.force_login(user)
        response = client.post(reverse("elearning:quiz_start", args=[quiz.lesson.pk]))
        assert response.status_code == 404
    client.logout()
    assert client.get(attempt_url(attempt)).status_code == 302  # to the login page
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


# --- pages: the question bank -------------------------------------------------------------


def test_the_bank_pages_list_add_edit_and_remove(client, tree, quiz):
    client.force_login(tree.hanoi_officer)
    bank_url = reverse("elearning:quiz_bank", args=[quiz.course.pk])
    html = client.get(bank_url).content.decode()
    assert all(q.text in html for q in quiz.questions)
    add = reverse("elearning:quiz_question_add", args=[quiz.course.pk])
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "text": "Công đoàn cơ sở có mấy nhiệm vụ?",
            "choice_0": "Ba",
            "correct_0": "on",
            "choice_1": "Năm",
            "choice_2": "",
            "correct_3": "",
        },
    )
    assert response.status_code == 302
    added = Question.objects.get(text="Công đoàn cơ sở có mấy nhiệm vụ?")
    assert list(added.choices.values_list("text", "correct")) == [("Ba", True), ("Năm", False)]
    # Single choice with two right answers: refused, nothing written.
    response = client.post(
        add,
        {"text": "Câu sai", "choice_0": "A", "correct_0": "on", "choice_1": "B", "correct_1": "on"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(add, {"text": "Câu sai", "choice_0": "A", "correct_1": "on"})
    assert response.status_code == 200 and "choice_1" in response.context["form"].errors
    assert not Question.objects.filter(text="Câu sai").exists()
    edit = reverse("elearning:quiz_question_edit", args=[added.pk])
    assert 'value="Năm"' in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "text": "Mấy nhiệm vụ?",
            "multiple": "on",
            "choice_0": "Ba",
            "correct_0": "on",
            "choice_1": "Năm",
            "correct_1": "on",
            "choice_2": "Bảy",
        },
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.multiple and added.choices.filter(correct=True).count() == 2
    response = client.post(reverse("elearning:quiz_question_delete", args=[added.pk]))
    assert response.status_code == 302
    assert not Question.objects.filter(pk=added.pk).exists()


def test_the_bank_is_for_the_organisers_subtree_only(client, tree, quiz):
    question = quiz.questions[0]
    urls = [
        reverse("elearning:quiz_bank", args=[quiz.course.pk]),
        reverse("elearning:quiz_question_add", args=[quiz.course.pk]),
        reverse("elearning:quiz_question_edit", args=[question.pk]),
    ]
    for user in (tree.nt_officer, tree.melinh_officer):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, url
            assert (
                client.post(
                    url, {"text": "x", "choice_0": "A", "correct_0": "on", "choice_1": "B"}
                ).status_code
                == 404
            )
        response = client.post(reverse("elearning:quiz_question_delete", args=[question.pk]))
        assert response.status_code == 404
    client.force_login(tree.cadre)  # a learner never sees the bank (the right answers)
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(tree.inspector)  # reads the bank of the subtree, changes nothing
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()
    assert quiz.course.questions.count() == 5


def test_the_bank_page_has_a_bounded_number_of_queries(
    client, tree, quiz, django_assert_max_num_queries
):
    for i in range(20):
        quizzes.question_save(
            user=tree.hanoi_officer,
            course=quiz.course,
            text=f"Thêm {i}",
            multiple=False,
            choices=SINGLE,
        )
    client.force_login(tree.hanoi_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("elearning:quiz_bank", args=[quiz.course.pk]))
    assert response.status_code == 200
