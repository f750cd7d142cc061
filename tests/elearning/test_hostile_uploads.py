"""Issue 18, finding 2: "A course archive carries a script that runs as whoever opens it. A
.zip course whose video lesson points at an .html (or .js, .svg) file imports (page or
POST /api/v1/courses/import); /elearning/learn/lessons/<id>/file/ then serves it inline from
the site's own origin as text/html". And from finding 5: "a course.json nested 100,000 deep,
a Range header of 4,300 digits on a lesson file" gave 500s.

Every lesson file and record scan is now checked by its content on every path (form, API,
archive, command), an archive's files are limited per kind and by how much they unpack, and
what is served from storage takes its type from its bytes: a stored file that is not what its
lesson may carry goes out as an opaque download in a sandbox."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from elearning.models import Course, Lesson
from tests.api import BASE, ApiClient, messages_of
from tests.elearning.test_exchange import counts, document_of, export_bytes, rebuild
from tests.elearning.test_learn import make_learn_world
from tests.elearning.test_manage import PDF, build_course, login, video_bytes
from training.models import Topic, TrainingRecord

SCRIPT = {
    "html": b"<!doctype html><script>fetch('/units/1/rename/',{method:'POST'})</script>",
    "js": b"fetch('/units/1/rename/', {method: 'POST'})",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
}
VIDEO, PDF_ENTRY = "files/002/bai-giang.mp4", "files/001/dieu-le-cong-doan.pdf"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def exported(tree):
    return export_bytes(build_course(tree))


def pointing_at(data: bytes, entry: str, name: str, content: bytes) -> bytes:
    """The archive with the lesson of `entry` pointing at a file `name` holding `content`
    (its size and checksum made to match, as an attacker would)."""
    import hashlib

    doc = document_of(data)
    for module in doc["modules"]:
        for lesson in module["lessons"]:
            if lesson["file"] and lesson["file"]["name"] == entry:
                lesson["file"] = {
                    "name": name,
                    "size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
    return rebuild(data, document=doc, drop=(entry,), add={name: content})


@pytest.mark.parametrize("ext", sorted(SCRIPT))
def test_a_script_as_a_video_lesson_is_refused_by_the_page_and_the_api(tree, client, exported, ext):
    hostile = pointing_at(exported, VIDEO, f"files/002/x.{ext}", SCRIPT[ext])
    before = counts()
    login(client, tree.hanoi_officer)
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("khoa-hoc.zip", hostile), "unit": "HN"},
    )
    assert response.status_code == 200
    assert (
        "không phải là tệp MP4, WebM, Ogg (xét theo nội dung tệp, bất kể tên tệp)"
        in response.content.decode()
    )
    api = ApiClient(tree.hanoi_officer)
    response = api.client.post(
        BASE + "/courses/import", {"archive": io.BytesIO(hostile)}, headers=api._headers()
    )
    assert response.status_code == 422
    assert any(f"x.{ext}" in m and "MP4, WebM, Ogg" in m for m in messages_of(response))
    assert counts() == before


def test_a_page_named_pdf_is_refused_by_the_archive_the_form_and_the_command(
    tree, client, exported, tmp_path
):
    hostile = pointing_at(exported, PDF_ENTRY, "files/001/dieu-le.pdf", SCRIPT["html"])
    path = tmp_path / "k.zip"
    path.write_bytes(hostile)
    with pytest.raises(CommandError, match="dieu-le.pdf"):
        call_command("import_course", str(path), "--unit", "HN")
    course = Course.objects.get(code="HN-OL-01")
    module = course.modules.order_by("rank").first()
    login(client, tree.hanoi_officer)
    response = client.post(
        reverse("elearning:manage_lesson_create", args=[module.pk]),
        {
            "title": "Tài liệu",
            "rank": 9,
            "kind": "pdf",
            "required": "on",
            "question_count": 10,
            "pass_percent": 70,
            "max_attempts": 3,
            "file": SimpleUploadedFile("tai-lieu.pdf", SCRIPT["html"]),
        },
    )
    assert response.status_code == 200
    assert "không phải là tệp PDF" in response.content.decode()
    response = client.post(
        reverse("elearning:manage_lesson_create", args=[module.pk]),
        {
            "title": "Video",
            "rank": 9,
            "kind": "video",
            "required": "on",
            "question_count": 10,
            "pass_percent": 70,
            "max_attempts": 3,
            "file": SimpleUploadedFile("bai.mp4", PDF),
        },
    )
    assert "không phải là tệp MP4, WebM, Ogg" in response.content.decode()
    assert not Lesson.objects.filter(module=module, title__in=["Tài liệu", "Video"]).exists()


def test_a_pdf_lesson_turned_into_a_video_keeps_no_pdf(tree, client):
    """The kind changes, the stored file stays: it is read again against the new kind."""
    course = build_course(tree)
    lesson = Lesson.objects.get(module__course=course, kind="pdf")
    login(client, tree.hanoi_officer)
    response = client.post(
        reverse("elearning:manage_lesson_edit", args=[lesson.pk]),
        {
            "title": lesson.title,
            "rank": lesson.rank,
            "kind": "video",
            "required": "on",
            "question_count": 10,
            "pass_percent": 70,
            "max_attempts": 3,
        },
    )
    assert "không phải là tệp MP4, WebM, Ogg" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.kind == "pdf"


def test_what_an_archive_unpacks_to_is_limited(tree, client, exported, settings):
    """ "A 194 KB archive stored a 190 MB lesson file": a lesson file that packs a hundred
    times smaller than it is is no PDF or video; each kind has its size."""
    bomb = b"\x00\x00\x00\x18ftypisom" + bytes(20 * 1024 * 1024)
    hostile = pointing_at(exported, VIDEO, "files/002/bai-giang.mp4", bomb)
    packed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(hostile)) as source,
        zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    assert len(packed.getvalue()) < 200_000
    login(client, tree.hanoi_officer)
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("k.zip", packed.getvalue()), "unit": "HN"},
    )
    html = response.content.decode()
    assert "khi giải nén lớn gấp" in html and "không phải tệp bài học thật" in html
    settings.ELEARNING_MAX_UPLOAD_MB = 1  # a PDF's limit is the smaller of 50 MB and this
    large_pdf = b"%PDF-1.4\n" + video_bytes(2 * 1024 * 1024)
    response = client.post(
        "/elearning/courses/import/",
        {
            "archive": SimpleUploadedFile(
                "k.zip", pointing_at(exported, PDF_ENTRY, "files/001/lon.pdf", large_pdf)
            ),
            "unit": "HN",
        },
    )
    assert "lon.pdf" in response.content.decode()
    assert "vượt quá giới hạn 1 MB" in response.content.decode()


def test_a_text_lesson_carrying_a_file_is_refused(tree, client, exported):
    doc = document_of(exported)
    doc["modules"][0]["lessons"][0]["file"] = {"name": PDF_ENTRY}
    login(client, tree.hanoi_officer)
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("k.zip", rebuild(exported, document=doc)), "unit": "HN"},
    )
    assert "chỉ bài học PDF và bài học video mới kèm tệp" in response.content.decode()


def test_course_json_nested_100000_deep_gets_a_message_not_a_500(tree, client, exported):
    deep = (
        b'{"format": "daotao-congdoan/course", "version": 1, "modules": '
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}"
    )
    hostile = rebuild(exported, replace={"course.json": deep})
    login(client, tree.hanoi_officer)
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("k.zip", hostile), "unit": "HN"},
    )
    assert response.status_code == 200
    assert "course.json lồng nhau quá sâu" in response.content.decode()
    api = ApiClient(tree.hanoi_officer)
    response = api.client.post(
        BASE + "/courses/import", {"archive": io.BytesIO(hostile)}, headers=api._headers()
    )
    assert response.status_code == 422


@pytest.fixture
def world(tree):
    return make_learn_world(tree)


def test_a_stored_page_goes_out_opaque_in_a_sandbox(world, client):
    """A file stored before uploads were checked by content (or put there by hand) is never
    answered as a page of this site."""
    lesson = world.video
    name = lesson.file.storage.save("elearning/2026/cu/x.html", ContentFile(SCRIPT["html"]))
    Lesson.objects.filter(pk=lesson.pk).update(file=name)
    client.force_login(world.cadre)
    response = client.get(reverse("elearning:learn_file", args=[lesson.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_lesson_files_go_out_with_their_own_type_and_nosniff(world, client):
    client.force_login(world.cadre)
    video = client.get(reverse("elearning:learn_file", args=[world.video.pk]))
    assert video["Content-Type"] == "video/mp4" and video["X-Content-Type-Options"] == "nosniff"
    assert video["Content-Disposition"].startswith("inline")
    assert "sandbox" in video["Content-Security-Policy"]
    pdf = client.get(reverse("elearning:learn_file", args=[world.pdf.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "header", ["bytes=" + "9" * 4300 + "-", "bytes=0-" + "1" * 4300, "bytes=-" + "7" * 4300]
)
def test_a_range_of_4300_digits_is_ignored_not_a_500(world, client, header):
    client.force_login(world.cadre)
    response = client.get(reverse("elearning:learn_file", args=[world.video.pk]), HTTP_RANGE=header)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == world.data


def test_a_record_scan_must_be_a_pdf_or_a_picture_by_its_content(tree, client):
    person = tree.nguyen
    login(client, tree.hanoi_officer)
    url = reverse("training:external_record", args=[person.pk])
    fields = {
        "title": "Lý luận chính trị trung cấp",
        "hours": 40,
        "completed_on": "01/07/2026",
        "form": "on_site",
        "topics": [Topic.objects.order_by("id").first().pk],
    }
    response = client.post(url, {**fields, "scan": SimpleUploadedFile("bang.pdf", SCRIPT["html"])})
    assert response.status_code == 200
    assert "Bản quét không phải là tệp PDF, JPEG, PNG" in response.content.decode()
    assert not TrainingRecord.objects.filter(title=fields["title"]).exists()
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    response = client.post(url, {**fields, "scan": SimpleUploadedFile("bang.png", png)})
    assert response.status_code == 302, response.content.decode()[-3000:]
    record = TrainingRecord.objects.get(title=fields["title"])
    assert record.scan.read() == png


def test_what_an_exported_course_carries_still_imports(tree, client, exported):
    """The checks refuse the hostile, not the real: a course exported here imports."""
    login(client, tree.hanoi_officer)
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("k.zip", exported), "unit": "HN"},
    )
    assert response.status_code == 302
    assert Course.objects.filter(code="HN-OL-01-2").exists()
    assert json.loads(json.dumps(document_of(exported)))["format"]


def test_a_course_of_100000_lessons_is_refused_before_any_is_checked(tree, client, exported):
    doc = document_of(exported)
    lesson = {"title": "x", "kind": "text", "body": ""}
    doc["modules"] = [{"title": "Phần", "lessons": [lesson] * 100_000}]
    login(client, tree.hanoi_officer)
    before = counts()
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("k.zip", rebuild(exported, document=doc)), "unit": "HN"},
    )
    assert "course.json có 100.000 bài học, vượt quá giới hạn 2.000." in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    "code, title",
    [
        ("HN/../OL", "Khoá học"),
        ("HN-OL-9", "Dòng 1\nDòng 2"),
        ('HN"OL', "Khoá học"),
        ("HN-OL-8", "Tên\u202eđảo"),
    ],
)
def test_a_course_code_or_title_with_a_control_character_is_refused(
    tree, client, exported, code, title
):
    """Finding 4: "names and codes refuse control characters" — a course's too, from an
    archive as from the form."""
    doc = document_of(exported)
    doc["course"]["code"], doc["course"]["title"] = code, title
    login(client, tree.hanoi_officer)
    before = counts()
    response = client.post(
        "/elearning/courses/import/",
        {"archive": SimpleUploadedFile("k.zip", rebuild(exported, document=doc)), "unit": "HN"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mã không được chứa" in html or "ký tự ẩn" in html, html[-3000:]
    assert counts() == before
