"""Issue 18's acceptance: "A fuzzing suite of files lives in the repo and runs in `make test`
(bounded): [...] lesson and scan uploads — every one ends in a Vietnamese message or a
success, none in a 5xx, a crash or a write outside the job."

Lessons: every kind of lesson given files of every wrong content (a page, a script, an SVG,
an executable, a ZIP, nothing, a JPEG, a cut PDF signature, a QuickTime movie, a video for a
PDF and a PDF for a video) through the lesson form. A PDF or video lesson refuses them with a
Vietnamese error on the file and stores nothing; a text, embed or quiz lesson carries no file,
so it is saved without it and stores nothing either. Record scans: every wrong content, an
empty file and one over 10 MB are refused by the external-record form in Vietnamese, nothing
stored. Right contents under hostile names are stored under the media root, named safely."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from elearning import services
from elearning.models import Lesson
from tests.fuzz.checks import assert_vietnamese, files_under
from tests.fuzz.corpus import JPEG, MB, MP4, PDF, PNG, RIGHT_CONTENT, WRONG_CONTENT
from training.models import Topic, TrainingRecord

MEDIA = ("a", "media")
LESSON_KINDS = ["pdf", "video", "text", "embed", "quiz"]
FILE_KINDS = {"pdf", "video"}
EXTENSION = {"pdf": "pdf", "video": "mp4", "text": "pdf", "embed": "mp4", "quiz": "pdf"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path.joinpath(*MEDIA)


@pytest.fixture
def module(tree):
    """An empty module of a Hà Nội course (no file stored yet)."""
    user = tree.hanoi_officer
    course = services.course_save(
        user=user,
        organiser=tree.hanoi,
        code="FUZZ-UP",
        title="Khoá học thử tệp",
        hours=1,
        topics=[Topic.objects.get(code="union_general")],
    )
    return services.module_save(user=user, course=course, title="Phần 1", rank=1)


def post_lesson(client, module, kind: str, upload) -> object:
    response = client.post(
        reverse("elearning:manage_lesson_create", args=[module.pk]),
        {
            "title": "Bài học thử",
            "rank": 1,
            "kind": kind,
            "required": "on",
            "embed_url": "https://video.example.vn/xem/1",
            "question_count": 10,
            "pass_percent": 70,
            "max_attempts": 3,
            "file": upload,
        },
    )
    assert response.status_code < 500
    return response


def form_errors(response) -> list[str]:
    if response.status_code == 413:
        return [response.context["page_error"]]
    form = response.context["form"]
    return [e for errors in form.errors.values() for e in errors]


def refused_in_vietnamese(response, what: str) -> None:
    assert response.status_code in (200, 413), (what, response.status_code)
    assert_vietnamese(form_errors(response), what=what)


WRONG_FOR = [
    (kind, label)
    for kind in LESSON_KINDS
    for label in WRONG_CONTENT
    if label not in RIGHT_CONTENT[kind]
]


@pytest.mark.parametrize(("kind", "label"), WRONG_FOR)
def test_a_lesson_file_of_the_wrong_content_is_refused_or_not_kept(
    client, tree, module, tmp_path, kind, label
):
    """Each kind of lesson × each wrong content, named as the kind expects: "ends in a
    Vietnamese message or a success", and nothing of the file is stored."""
    client.force_login(tree.hanoi_officer)
    before = files_under(tmp_path)
    upload = SimpleUploadedFile(f"bai-hoc.{EXTENSION[kind]}", WRONG_CONTENT[label])
    response = post_lesson(client, module, kind, upload)
    if kind in FILE_KINDS:
        refused_in_vietnamese(response, f"{kind} lesson with {label}")
        assert not Lesson.objects.filter(module=module).exists()
    elif response.status_code == 302:  # a lesson of this kind carries no file: saved without
        assert Lesson.objects.get(module=module).file.name == ""
    else:  # an empty file is refused by the form whatever the kind
        refused_in_vietnamese(response, f"{kind} lesson with {label}")
    assert files_under(tmp_path) == before


@pytest.mark.parametrize(
    ("kind", "name", "content"),
    [
        ("video", "bai-giang.pdf", MP4),  # a video by content, a PDF by name
        ("video", "bai-giang", MP4),
        ("pdf", "tai-lieu.pdf", b""),
        ("video", "bai-giang.mp4", b""),
    ],
)
def test_a_lesson_file_named_or_sized_wrongly_is_refused(
    client, tree, module, tmp_path, kind, name, content
):
    """A video by its content under a PDF's name or none, an empty PDF or video: "ends in a
    Vietnamese message", nothing stored."""
    client.force_login(tree.hanoi_officer)
    before = files_under(tmp_path)
    response = post_lesson(client, module, kind, SimpleUploadedFile(name, content))
    refused_in_vietnamese(response, f"{kind} {name}")
    assert not Lesson.objects.filter(module=module).exists()
    assert files_under(tmp_path) == before


@pytest.mark.parametrize("size", [MB + 10, 3 * MB])
def test_a_lesson_file_over_the_limit_is_refused(client, tree, module, tmp_path, settings, size):
    """Just over ELEARNING_MAX_UPLOAD_MB (the form's error), and far over it (refused before
    the body is read: 413): "a Vietnamese message [...], none in a 5xx", nothing stored."""
    settings.ELEARNING_MAX_UPLOAD_MB = 1
    client.force_login(tree.hanoi_officer)
    before = files_under(tmp_path)
    content = MP4 + bytes(size - len(MP4))
    response = post_lesson(client, module, "video", SimpleUploadedFile("bai.mp4", content))
    refused_in_vietnamese(response, f"{size} bytes")
    assert not Lesson.objects.filter(module=module).exists()
    assert files_under(tmp_path) == before


HOSTILE_NAMES = [
    "../../../../tmp/thoat.pdf",
    "/etc/cron.d/tai-lieu.pdf",
    "..\\..\\x.pdf",
    "a" * 300 + ".pdf",
    "tai lieu <script>.pdf",
    ".pdf",
    "CON.pdf",
    "tài-liệu\u202egpj.pdf",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=lambda name: ascii(name)[:40])
def test_a_right_file_under_a_hostile_name_is_stored_under_the_media_root(
    client, tree, module, tmp_path, name
):
    """A real PDF under a name that climbs out, is absolute, is 300 characters long or hides
    its extension: "a success", and "none in [...] a write outside the job" — one file,
    under MEDIA_ROOT/elearning, its name safe and within the field's 100 characters."""
    client.force_login(tree.hanoi_officer)
    before = files_under(tmp_path)
    response = post_lesson(client, module, "pdf", SimpleUploadedFile(name, PDF))
    assert response.status_code == 302, form_errors(response)
    stored = Lesson.objects.get(module=module).file
    new = files_under(tmp_path) - before
    assert new == {tmp_path.joinpath(*MEDIA, stored.name).relative_to(tmp_path)}
    assert stored.name.startswith("elearning/") and ".." not in stored.name
    assert len(stored.name) <= 100


# --- record scans ---------------------------------------------------------------------------


def post_scan(client, tree, upload):
    url = reverse("training:external_record", args=[tree.nguyen.pk])
    response = client.post(
        url,
        {
            "title": "Lý luận chính trị trung cấp",
            "hours": 40,
            "completed_on": "01/07/2025",
            "form": "on_site",
            "topics": [Topic.objects.order_by("id").first().pk],
            "scan": upload,
        },
    )
    assert response.status_code < 500
    return response


def png_of(size: int) -> bytes:
    return PNG + bytes(size - len(PNG))


SCAN_RIGHT = {"pdf", "jpeg"}
# Built when the test runs: two of them are 10 MB.
WRONG_SCANS = {
    **{label: (lambda c=c: c) for label, c in WRONG_CONTENT.items() if label not in SCAN_RIGHT},
    "over 10 MB": lambda: png_of(10 * MB + 1),
}


@pytest.mark.parametrize("label", list(WRONG_SCANS))
def test_a_scan_of_the_wrong_content_or_size_is_refused_in_vietnamese(
    client, tree, tmp_path, label
):
    """A record's scan that is a page, a script, an SVG, an executable, a ZIP, a video,
    nothing, or a picture of 10 MB and a byte: "ends in a Vietnamese message", no record,
    no file."""
    client.force_login(tree.hanoi_officer)
    before, records = files_under(tmp_path), TrainingRecord.objects.count()
    upload = SimpleUploadedFile("bang.png", WRONG_SCANS[label]())
    response = post_scan(client, tree, upload)
    refused_in_vietnamese(response, f"scan {label}")
    assert TrainingRecord.objects.count() == records
    assert files_under(tmp_path) == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("../../../bang.pdf", lambda: PDF),
        ("bang.exe", lambda: JPEG),
        ("a" * 300 + ".png", lambda: PNG),
        ("bang.png", lambda: png_of(10 * MB)),  # exactly the limit
    ],
    ids=["climbing out", "a JPEG named .exe", "300 characters", "exactly 10 MB"],
)
def test_a_right_scan_is_stored_under_the_media_root_whatever_its_name(
    client, tree, tmp_path, name, content
):
    """A real PDF, JPEG or PNG scan under a hostile name, or of exactly 10 MB: "a success",
    stored once under MEDIA_ROOT/records, nowhere else."""
    client.force_login(tree.hanoi_officer)
    before = files_under(tmp_path)
    response = post_scan(client, tree, SimpleUploadedFile(name, content()))
    assert response.status_code == 302, form_errors(response)
    record = TrainingRecord.objects.get(title="Lý luận chính trị trung cấp")
    assert files_under(tmp_path) - before == {
        tmp_path.joinpath(*MEDIA, record.scan.name).relative_to(tmp_path)
    }
    assert record.scan.name.startswith("records/") and ".." not in record.scan.name
