"""Issue 18's acceptance: "A fuzzing suite of files lives in the repo and runs in `make test`
(bounded): [...] course archives (bombs, deep JSON, every lesson kind with wrong content)
[...] — every one ends in a Vietnamese message or a success, none in a 5xx, a crash or a
write outside the job."

Every archive of tests/fuzz/archives.py goes through the import page and the API (and a few
through `manage.py import_course`): the page answers its form with Vietnamese errors, the API
a 422 whose messages are Vietnamese, and nothing is written — no row, no file; or, for the
few whose hostile part is harmless or cleaned, the course is imported as a draft with its
files under MEDIA_ROOT/elearning only, none of them a link. No entry ever reaches the canary
folder beside the media root."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from elearning import exchange
from elearning.models import Choice, Course, Lesson, Question
from tests.api import BASE, ApiClient, messages_of
from tests.elearning.test_exchange import counts, export_bytes
from tests.elearning.test_manage import build_course
from tests.fuzz.archives import (
    ARCHIVES_THAT_MAY_IMPORT,
    archive_cases,
    document_of,
    with_document,
    wrong_type_documents,
)
from tests.fuzz.checks import assert_vietnamese, files_under, links_under

MEDIA = ("a", "b", "media")
_BASE: list[bytes] = []


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Two levels down: an entry named "../../x" would land in tmp_path, where it is seen.
    settings.MEDIA_ROOT = tmp_path.joinpath(*MEDIA)


@pytest.fixture
def canary(tmp_path):
    folder = tmp_path / "canary"
    folder.mkdir()
    return folder


def base_archive(tree) -> bytes:
    """A real export (tests/elearning/test_manage.build_course: text, PDF, video, embed and
    quiz lessons, three questions), built once and kept: the bytes name topics and roles by
    code, so they import into every test's database."""
    if not _BASE:
        course = build_course(tree, code="FUZZ-01")
        _BASE.append(export_bytes(course))
    return _BASE[0]


BUGS: dict[str, str] = {}  # a case that shows a bug, and the bug (strict xfail)


def cases_with_marks(names) -> list:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=BUGS[name]))
        if name in BUGS
        else name
        for name in names
    ]


def written_outside(tmp_path, before: set) -> set:
    """New files or links anywhere but under MEDIA_ROOT/elearning."""
    return {p for p in files_under(tmp_path) - before if p.parts[:4] != (*MEDIA, "elearning")}


def check_nothing_or_a_draft(tmp_path, before_counts, before_files, case, imported):
    """Refused: no row, no file. Imported (only where the corpus allows it): a draft, its
    files in MEDIA_ROOT/elearning, regular files all, no script and no NUL in its texts."""
    if imported is None:
        assert counts() == before_counts, case
        assert files_under(tmp_path) == before_files, case
        return
    assert case in ARCHIVES_THAT_MAY_IMPORT, f"{case} was imported"
    assert written_outside(tmp_path, before_files) == set(), case
    assert links_under(tmp_path) == set(), case
    course = Course.objects.get(pk=imported)
    assert course.status == "draft", case
    texts = [
        course.description,
        *Lesson.objects.filter(module__course=course).values_list("body", flat=True),
    ]
    texts += [course.title, *Question.objects.filter(course=course).values_list("text", flat=True)]
    texts += Choice.objects.filter(question__course=course).values_list("text", flat=True)
    assert not any("<script" in t or "onerror" in t for t in texts), case
    assert not any("\x00" in t for t in texts), case


def through_the_page(client, data: bytes) -> tuple[int | None, list[str]]:
    """(the imported course's id or None, the messages shown)."""
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("khoa-hoc.zip", data), "unit": "HN"},
    )
    assert response.status_code < 500
    if response.status_code == 302:
        return int(response.url.rstrip("/").rsplit("/", 1)[-1]), []
    if response.status_code == 413:
        return None, [response.context["page_error"]]
    assert response.status_code == 200
    form = response.context["form"]
    return None, [e for errors in form.errors.values() for e in errors]


def through_the_api(api: ApiClient, data: bytes) -> tuple[int | None, list[str]]:
    response = api.client.post(
        BASE + "/courses/import",
        {"archive": SimpleUploadedFile("khoa-hoc.zip", data)},
        headers=api._headers(),
    )
    assert response.status_code < 500
    if response.status_code == 201:
        return response.json()["id"], []
    assert 400 <= response.status_code < 500 and response["Content-Type"].startswith(
        "application/json"
    )
    body = response.json()["detail"]
    return None, messages_of(response) if isinstance(body, list) else [body]


# The names only: archive_cases builds nothing until a case is called.
CASE_NAMES = list(archive_cases(b"", None))


@pytest.mark.parametrize("case", cases_with_marks(CASE_NAMES))
def test_a_hostile_archive_ends_in_a_vietnamese_message_or_a_draft(
    client, tree, tmp_path, canary, case
):
    """Each archive of the corpus through the page and the API: "every one ends in a
    Vietnamese message or a success, none in a 5xx, a crash or a write outside the job"."""
    data = archive_cases(base_archive(tree), canary)[case]()
    client.force_login(tree.hanoi_officer)
    api = ApiClient(tree.hanoi_officer)
    for way, send in (
        ("page", lambda: through_the_page(client, data)),
        ("API", lambda: through_the_api(api, data)),
    ):
        before_counts, before_files = counts(), files_under(tmp_path)
        imported, messages = send()
        if imported is None:
            assert_vietnamese(messages, what=f"{case} ({way})")
        check_nothing_or_a_draft(tmp_path, before_counts, before_files, case, imported)
    assert files_under(canary) == set()


COMMAND_CASES = [
    "not a zip",
    "zip bomb as the video",
    "deep JSON, 100,000 nested lists",
    "entry ../",
    "symlink entries",
    "video lesson carrying html",
]


@pytest.mark.parametrize("case", COMMAND_CASES)
def test_the_import_command_refuses_hostile_archives_in_vietnamese(tree, tmp_path, canary, case):
    """`manage.py import_course PATH --unit CODE` with the same archives: "every one ends in
    a Vietnamese message" — a CommandError listing them — and nothing is written."""
    path = tmp_path / "khoa-hoc.zip"
    path.write_bytes(archive_cases(base_archive(tree), canary)[case]())
    before_counts, before_files = counts(), files_under(tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command("import_course", str(path), "--unit", "HN")
    listed = [line[2:] for line in str(refused.value).splitlines() if line.startswith("- ")]
    assert_vietnamese(listed, what=case)
    assert counts() == before_counts and files_under(tmp_path) == before_files
    assert files_under(canary) == set()


def test_the_import_command_answers_a_folder_given_as_the_archive(tree, tmp_path):
    """ "none in [...] a crash": a folder given as the archive is answered by a CommandError,
    as a missing file is, not a traceback."""
    with pytest.raises(CommandError):
        call_command("import_course", str(tmp_path), "--unit", "HN")


def test_course_json_with_a_wrong_type_anywhere_is_refused_or_imported_never_a_crash(tree):
    """Every value of course.json replaced, one at a time, by a value of each other JSON type
    (null, text, a negative, a fraction, 10**30, true, [], {}) — "JSON with wrong types
    everywhere": the service answers ValidationError with Vietnamese messages and writes
    nothing, or imports a draft; "none in a 5xx, a crash"."""
    base = base_archive(tree)
    for where, document in wrong_type_documents(document_of(base)):
        data = with_document(base, document)
        before = counts()
        try:
            course = exchange.import_course(
                user=tree.hanoi_officer, archive=io.BytesIO(data), unit=tree.melinh
            )
        except ValidationError as refused:
            assert_vietnamese(refused.messages, what=where)
            assert counts() == before, where
        else:
            assert course.status == "draft" and course.organiser == tree.melinh, where
            Course.objects.filter(pk=course.pk).delete()


@pytest.mark.parametrize("unit", ["9" * 30, "-1", "abc", "1e5", "0", ""])
def test_the_api_answers_a_hostile_unit_in_vietnamese(tree, unit):
    """The `unit` field of POST /courses/import: "a Vietnamese message or a success, none in
    a 5xx" — a 4xx in JSON, in Vietnamese, or the caller's own unit when left empty."""
    api = ApiClient(tree.hanoi_officer)
    before = counts()
    response = api.client.post(
        BASE + "/courses/import",
        {"archive": SimpleUploadedFile("k.zip", base_archive(tree)), "unit": unit},
        headers=api._headers(),
    )
    assert response.status_code < 500
    if response.status_code == 201:
        assert unit == "" and Course.objects.get(pk=response.json()["id"]).organiser == tree.hanoi
        return
    assert_vietnamese(messages_of(response), what=unit)
    assert counts() == before
