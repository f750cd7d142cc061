"""SCORM packages as lessons (issue 25 §1): "SCORM 1.2 packages … import as a lesson: the
manifest is read, the package stored and served under the same safety rules as every
upload, … its completion, score and time saved on the server, and a completed package
counts toward the course's completion and thus the targets, like any lesson. A package that
is not valid SCORM gets a Vietnamese message naming what is wrong."

The package runs on the content origin only (noidung.localhost here): its files and the
launch page are 404 on the site's host, the site's pages are 404 on the content host, and
the runtime's commits need the attempt's signed key."""

import datetime as dt
import io
import json
import time
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.access import SYSTEM
from elearning import scorm, services
from elearning.models import CourseEnrolment, LessonProgress, ScormAttempt
from lib.dates import today
from targets.engine import Status, person_obligations
from tests.fixtures.scorm.build import (
    MANIFEST_SEVERAL,
    files,
    package,
    several_scos,
    several_scos_2004,
    upload,
)
from training.models import Topic, TrainingRecord
from units.services import unit_set_figures

CONTENT = "noidung.localhost"
MANIFEST_2004 = b"""<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Khoa 2004</title>
    <item identifier="i" identifierref="r"><title>Muc 1</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormType="sco"
    href="shared/index.html"/></resources>
</manifest>"""


@pytest.fixture
def world(tree, settings, tmp_path):
    """Nguyễn Văn An (`tree.cadre`) owes T-003-4c (his class record withdrawn); Mê Linh's
    course meeting it has one required lesson, a SCORM 1.2 package; he is enrolled."""
    settings.MEDIA_ROOT = tmp_path
    w = SimpleNamespace(tree=tree)
    unit_set_figures(
        user=SYSTEM, unit=tree.school, effective_on=dt.date(2020, 1, 1), member_count=300
    )
    TrainingRecord.objects.filter(person=tree.nguyen).update(valid=False)
    w.course = services.course_save(
        user=tree.melinh_officer,
        organiser=tree.melinh,
        code="ML-SCORM-01",
        title="Thương lượng tập thể (SCORM)",
        hours=8,
        topics=[Topic.objects.get(code="union_general")],
    )
    module = services.module_save(user=tree.melinh_officer, course=w.course, title="Phần 1")
    w.lesson = services.lesson_save(
        user=tree.melinh_officer,
        module=module,
        title="Bài kiểm tra",
        kind="scorm",
        file=upload(package()),
    )
    services.course_publish(user=tree.melinh_officer, course=w.course)
    w.enrolment = services.enrol(user=tree.cadre, course=w.course)
    w.learner = Client()
    w.learner.force_login(tree.cadre)
    return w


def launch(w) -> tuple[str, ScormAttempt]:
    """The learner opens the lesson: the page frames the launch page on the content origin."""
    page = w.learner.get(reverse("elearning:learn_lesson", args=[w.lesson.pk]))
    assert page.status_code == 200
    attempt = ScormAttempt.objects.get(enrolment=w.enrolment, lesson=w.lesson)
    url = page.context["scorm_url"]
    assert url.startswith(f"http://{CONTENT}/elearning/scorm/")
    assert f'src="{url}"' in page.content.decode()
    assert f"frame-src 'self' https: http://{CONTENT}" in page["Content-Security-Policy"]
    return url.removeprefix(f"http://{CONTENT}"), attempt


def content(method: str, path: str, **extra):
    return getattr(Client(), method)(path, HTTP_HOST=CONTENT, **extra)


PASSED = {
    "cmi": {
        "core": {
            "lesson_status": "passed",
            "lesson_location": "trang-2",
            "score": {"raw": "85", "min": "0", "max": "100"},
            "session_time": "00:03:20",
            "total_time": "0000:03:20.00",
            "exit": "",
        },
        "suspend_data": "cau1=dung",
    }
}


def commit(path: str, body, **extra):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return content("post", path, data=raw, content_type="application/json", **extra)


# --- import ------------------------------------------------------------------------------


def test_a_package_imports_as_a_lesson_with_its_manifest_read(world):
    lesson = world.lesson
    assert lesson.kind == "scorm" and lesson.scorm_version == "1.2"
    assert lesson.scorm_launch == "shared/index.html"
    assert lesson.file.name.endswith(".zip")
    with lesson.file.open("rb") as stored:  # stored whole, as uploaded: nothing unpacked
        assert zipfile.ZipFile(stored).namelist() == list(files())


def test_a_2004_package_is_read_as_2004():
    read = scorm.read_package(io.BytesIO(package({"imsmanifest.xml": MANIFEST_2004})))
    assert (read.version, read.launch, read.title) == ("2004", "shared/index.html", "Khoa 2004")


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files().items():
            zf.writestr(name, data)
        zf.writestr("shared/video.mp4", b"\0" * (50 * 1024 * 1024))
    return out.getvalue()


BROKEN = {
    "no manifest": (
        lambda: package({"imsmanifest.xml": None}),
        "Tệp không có imsmanifest.xml",
    ),
    "broken XML": (
        lambda: package({"imsmanifest.xml": b"<manifest><organizations>"}),
        "imsmanifest.xml không đọc được: ",
    ),
    "entities": (
        lambda: package(
            {
                "imsmanifest.xml": b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]>'
                b"<manifest>&a;</manifest>"
            }
        ),
        "imsmanifest.xml không đọc được: tệp khai báo thực thể XML",
    ),
    "no SCO": (
        lambda: package(
            {
                "imsmanifest.xml": files()["imsmanifest.xml"].replace(
                    b'adlcp:scormtype="sco"', b'adlcp:scormtype="asset"'
                )
            }
        ),
        'Không tìm thấy SCO để mở (resource có adlcp:scormtype="sco")',
    ),
    "missing launch file": (
        lambda: package({"shared/index.html": None}),
        "Tệp khởi chạy shared/index.html không có trong gói",
    ),
    "launch outside the package": (
        lambda: package(
            {
                "imsmanifest.xml": files()["imsmanifest.xml"].replace(
                    b'href="shared/index.html">', b'href="../../etc/passwd">'
                )
            }
        ),
        "Tệp khởi chạy ../../etc/passwd không có trong gói",
    ),
    "path traversal": (
        lambda: package({"../../evil.html": b"<script>x</script>"}),
        "tên tệp không an toàn (nằm ngoài thư mục của gói): ../../evil.html",
    ),
    "absolute path": (
        lambda: package({"/etc/cron.d/x": b"x"}),
        "tên tệp không an toàn (nằm ngoài thư mục của gói): /etc/cron.d/x",
    ),
    "symbolic link": (
        lambda: package(links=["shared/passwd"]),
        "liên kết tượng trưng (symlink), không được chấp nhận: shared/passwd",
    ),
    "zip bomb": (_bomb, "Tệp shared/video.mp4 trong gói khi giải nén lớn hơn 200 lần"),
    "not a zip": (lambda: b"%PDF-1.4 not a package", "không phải tệp ZIP của một gói SCORM"),
    "damaged manifest stream": (
        lambda: _damaged(package(), "imsmanifest.xml"),
        "imsmanifest.xml không đọc được: tệp nén bị hỏng",
    ),
}


def _damaged(data: bytes, name: str) -> bytes:
    """The package with the compressed bytes of one entry overwritten (its CRC and sizes kept)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(data)
    damaged[start : start + 20] = b"\xff" * 20
    return bytes(damaged)


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_package_that_is_not_valid_scorm_is_refused_in_vietnamese(world, case):
    make, message = BROKEN[case]
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.lesson_save(
            user=world.tree.melinh_officer,
            module=world.lesson.module,
            title="Gói hỏng",
            kind="scorm",
            file=upload(make()),
        )
    assert any(message in m for m in refused.value.messages), refused.value.messages


def test_a_package_over_the_upload_limit_is_refused(world, settings):
    settings.ELEARNING_MAX_UPLOAD_MB = 1
    big = package({"shared/big.bin": bytes(range(256)) * 5000})  # 1.28 MB unpacked
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        scorm.read_package(io.BytesIO(big))
    assert "vượt quá giới hạn 1 MB" in refused.value.messages[0]


def test_an_organiser_uploads_a_package_through_the_lesson_form(world):
    officer = Client()
    officer.force_login(world.tree.melinh_officer)
    url = reverse("elearning:manage_lesson_create", args=[world.lesson.module_id])
    fields = {"title": "Gói 2", "rank": "2", "kind": "scorm", "required": "on", "body": ""}
    fields.update(question_count="10", pass_percent="70", max_attempts="3")
    refused = officer.post(url, {**fields, "file": upload(package({"imsmanifest.xml": None}))})
    assert refused.status_code == 200
    assert "Tệp không có imsmanifest.xml" in refused.content.decode()
    saved = officer.post(url, {**fields, "file": upload(package())})
    assert saved.status_code == 302
    lesson = world.lesson.module.lessons.get(title="Gói 2")
    assert (lesson.kind, lesson.scorm_launch) == ("scorm", "shared/index.html")
    # A learner's self-service account cannot upload one (organisers of the subtree only).
    assert world.learner.post(url, {**fields, "file": upload(package())}).status_code in (302, 403)
    assert not world.lesson.module.lessons.filter(title="Gói 2").exclude(pk=lesson.pk).exists()


# --- a package of several SCOs -------------------------------------------------------------


def several_lessons(world):
    """The package of three SCOs uploaded as a lesson of a new module that already holds a
    closing text lesson, through the organiser's lesson form."""
    officer = world.tree.melinh_officer
    module = services.module_save(user=officer, course=world.course, title="Phần 2", rank=2)
    services.lesson_save(
        user=officer, module=module, title="Tổng kết", kind="text", rank=2, body="<p>Hết</p>"
    )
    client = Client()
    client.force_login(officer)
    url = reverse("elearning:manage_lesson_create", args=[module.pk])
    fields = {"title": "Gói ba phần", "rank": "1", "kind": "scorm", "required": "on", "body": ""}
    fields.update(question_count="10", pass_percent="70", max_attempts="3")
    assert client.post(url, {**fields, "file": upload(several_scos())}).status_code == 302
    return module, list(module.lessons.order_by("rank", "id"))


def test_a_package_of_several_scos_becomes_a_lesson_per_sco_in_its_order(world):
    """Each SCO of the organisation (a group's read in order) is a lesson titled from its item,
    sharing the one stored package, required as the lesson uploaded; the module's later
    lessons come after them. The hidden item and the asset are no lessons."""
    _module, lessons = several_lessons(world)
    assert [(lesson.title, lesson.scorm_launch) for lesson in lessons] == [
        ("Bài 1: Công đoàn là gì", "sco1/index.html"),
        ("Bài 2: Quy trình thương lượng", "sco2/index.html?trang=2"),
        ("Bài 3: Kiểm tra", "sco3/index.html"),
        ("Tổng kết", ""),
    ]
    scos = lessons[:3]
    assert len({lesson.file.name for lesson in scos}) == 1 and scos[0].file.name.endswith(".zip")
    assert all(lesson.kind == "scorm" and lesson.scorm_version == "1.2" for lesson in scos)
    assert all(lesson.required for lesson in scos)


def test_a_package_of_several_scos_uploaded_again_updates_its_lessons(world):
    """Editing a SCO's lesson keeps what it opens; a new version of the package uploaded over
    the first lesson moves every lesson of the package to it (their attempts kept), making no
    second set of lessons."""
    module, lessons = several_lessons(world)
    officer = world.tree.melinh_officer
    renamed = services.lesson_save(user=officer, module=module, lesson=lessons[1], title="Bài 2")
    assert renamed.scorm_launch == "sco2/index.html?trang=2"
    before = lessons[0].file.name
    services.lesson_save(
        user=officer, module=module, lesson=lessons[0], file=upload(several_scos())
    )
    again = list(module.lessons.order_by("rank", "id"))
    assert [lesson.pk for lesson in again] == [lesson.pk for lesson in lessons]
    assert [lesson.scorm_launch for lesson in again[:3]] == [
        "sco1/index.html",
        "sco2/index.html?trang=2",
        "sco3/index.html",
    ]
    assert len({lesson.file.name for lesson in again[:3]}) == 1
    assert again[0].file.name != before


def test_what_a_package_asks_for_and_is_not_done_is_said_in_vietnamese():
    with translation.override("vi"):
        read = scorm.read_package(io.BytesIO(several_scos()))
    assert [s.title for s in read.scos] == [
        "Bài 1: Công đoàn là gì",
        "Bài 2: Quy trình thương lượng",
        "Bài 3: Kiểm tra",
    ]
    assert read.scos[2].mastery_score == 80 and read.scos[0].launch_data == "phan=1"
    assert read.notes == [
        'Các mục bị ẩn trong gói (isvisible="false") không được tạo thành bài học: Trang ẩn.',
        "Các mục trỏ tới tài nguyên asset (tệp không báo kết quả về hệ thống) không được tạo "
        "thành bài học: Tài liệu tham khảo.",
        "Điều kiện tiên quyết của gói (adlcp:prerequisites) không được áp dụng: các bài học "
        "xếp theo thứ tự của khoá học và bài nào cũng mở được bất cứ lúc nào.",
    ]


def test_a_package_whose_second_sco_has_no_launch_file_is_refused_naming_it(world):
    module = world.lesson.module
    before = module.lessons.count()
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.lesson_save(
            user=world.tree.melinh_officer,
            module=module,
            title="Gói ba phần",
            kind="scorm",
            file=upload(several_scos({"sco2/index.html": None})),
        )
    assert refused.value.message_dict["file"] == [
        "Tệp khởi chạy sco2/index.html của mục “Bài 2: Quy trình thương lượng” không có trong gói."
    ]
    assert module.lessons.count() == before
    manifest = MANIFEST_SEVERAL.replace(
        'adlcp:scormtype="sco" href="sco2/index.html"', 'adlcp:scormtype="sco"'
    )
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        scorm.read_package(io.BytesIO(several_scos({"imsmanifest.xml": manifest.encode()})))
    assert refused.value.messages == [
        "SCO của mục “Bài 2: Quy trình thương lượng” không khai báo tệp khởi chạy (href)."
    ]


def test_the_course_completes_only_when_every_sco_is_done(world):
    """Each SCO lesson is done by its own attempt; the last one done completes the course and
    meets the target. The quiz SCO's mastery score (80) decides: 60 fails it, 90 passes."""
    _module, lessons = several_lessons(world)
    path, _attempt = launch(world)
    assert commit(path + "commit/", PASSED).json()["completed"] is False
    completed = {"cmi": {"core": {"lesson_status": "completed"}}}
    for lesson in lessons[:2]:
        world.lesson = lesson
        path, attempt = launch(world)
        data = json.loads(
            content("get", path)
            .content.decode()
            .split('id="scorm-settings" type="application/json">')[1]
            .split("</script>")[0]
        )
        assert data["scoUrl"] == path + "files/" + lesson.scorm_launch
        answer = commit(path + "commit/", completed).json()
        assert answer["done"] is True and answer["completed"] is False
    world.lesson = lessons[2]
    path, attempt = launch(world)
    low = {"cmi": {"core": {"lesson_status": "completed", "score": {"raw": "60"}}}}
    answer = commit(path + "commit/", low).json()
    assert answer["done"] is False and answer["completed"] is False
    attempt.refresh_from_db()
    assert attempt.status == "failed"
    high = {"cmi": {"core": {"lesson_status": "failed", "score": {"raw": "90"}}}}
    answer = commit(path + "commit/", high).json()
    assert answer["done"] is True and answer["completed"] is False  # "Tổng kết" is left
    attempt.refresh_from_db()
    assert attempt.status == "passed"
    services.progress_report(
        user=world.tree.cadre,
        enrolment=world.enrolment,
        lesson=lessons[3],
        percent=100,
    )
    enrolment = CourseEnrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.completed_at is not None
    met = {o.target.code: o for o in person_obligations(world.tree.nguyen, today())}
    assert met["T-003-4c"].status == Status.MET


def test_the_launch_page_gives_the_sco_its_mastery_score_and_launch_data(world):
    _module, lessons = several_lessons(world)
    for lesson, student_data, launch_data in (
        (lessons[0], None, "phan=1"),
        (lessons[2], {"mastery_score": "80"}, None),
    ):
        world.lesson = lesson
        path, _attempt = launch(world)
        body = content("get", path).content.decode()
        data = json.loads(
            body.split('id="scorm-settings" type="application/json">')[1].split("</script>")[0]
        )
        assert data["cmi"].get("student_data") == student_data
        assert data["cmi"].get("launch_data") == launch_data


def test_a_2004_package_of_several_scos_is_read_the_same_way():
    manifest = MANIFEST_2004.replace(
        b'<item identifier="i" identifierref="r"><title>Muc 1</title></item>',
        b'<item identifier="i" identifierref="r"><title>Muc 1</title></item>'
        b'<item identifier="j" identifierref="r2"><title>Muc 2</title>'
        b'<imsss:sequencing xmlns:imsss="http://www.imsglobal.org/xsd/imsss"><imsss:objectives>'
        b'<imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true">'
        b"<imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure>"
        b"</imsss:primaryObjective></imsss:objectives></imsss:sequencing></item>",
    ).replace(
        b"</resources>",
        b'<resource identifier="r2" type="webcontent" adlcp:scormType="sco" '
        b'href="shared/style.css"/></resources>',
    )
    read = scorm.read_package(io.BytesIO(package({"imsmanifest.xml": manifest})))
    assert read.version == "2004"
    assert [(s.title, s.launch) for s in read.scos] == [
        ("Muc 1", "shared/index.html"),
        ("Muc 2", "shared/style.css"),
    ]
    assert read.scos[1].scaled_passing_score == Decimal("0.7")
    assert any("imsss:sequencing" in note for note in read.notes)


def test_a_2004_package_of_several_scos_is_a_lesson_per_sco_passed_by_its_scaled_score(world):
    """SCORM 2004 the same way: a lesson per SCO; the second's primary objective passes at a
    scaled score of 0.7, which the server applies whatever success the SCO claims."""
    module = world.lesson.module
    first = services.lesson_save(
        user=world.tree.melinh_officer,
        module=module,
        title="Gói 2004",
        kind="scorm",
        rank=5,
        file=upload(several_scos_2004()),
    )
    second = module.lessons.get(rank=6)
    assert (first.title, first.scorm_launch) == ("Phần A: Đọc", "a/index.html")
    assert (second.title, second.scorm_launch) == ("Phần B: Kiểm tra", "b/index.html")
    assert second.scorm_version == "2004" and second.file.name == first.file.name
    world.lesson = second
    path, attempt = launch(world)
    data = json.loads(
        content("get", path)
        .content.decode()
        .split('id="scorm-settings" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert data["cmi"]["scaled_passing_score"] == "0.7"
    low = {"cmi": {"completion_status": "completed", "success_status": "passed"}}
    low["cmi"]["score"] = {"scaled": "0.5"}
    assert commit(path + "commit/", low).json()["done"] is False
    attempt.refresh_from_db()
    assert attempt.status == "failed" and attempt.cmi["cmi.success_status"] == "failed"
    high = {"cmi": {"completion_status": "completed", "score": {"scaled": "0.8"}}}
    assert commit(path + "commit/", high).json()["done"] is True
    attempt.refresh_from_db()
    assert attempt.status == "passed"


def test_a_package_of_too_many_scos_is_refused():
    items = "".join(
        f'<item identifier="i{n}" identifierref="r"><title>Muc {n}</title></item>'
        for n in range(scorm.MAX_SCOS + 1)
    )
    manifest = MANIFEST_2004.replace(
        b'<item identifier="i" identifierref="r"><title>Muc 1</title></item>', items.encode()
    )
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        scorm.read_package(io.BytesIO(package({"imsmanifest.xml": manifest})))
    assert refused.value.messages == ["Gói có 501 SCO, vượt quá 500 SCO mà một khoá học nhận được."]


# --- the content origin --------------------------------------------------------------------


def test_the_launch_page_holds_the_runtime_and_the_learners_data(world):
    path, attempt = launch(world)
    page = content("get", path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "vendor/scorm-again/scorm12.min.js" in body and "js/scorm-launch.js" in body
    settings_ = json.loads(
        body.split('id="scorm-settings" type="application/json">')[1].split("</script>")[0]
    )
    assert settings_["version"] == "1.2"
    assert settings_["scoUrl"] == path + "files/shared/index.html"
    assert settings_["commitUrl"] == path + "commit/"
    core = settings_["cmi"]["core"]
    assert core["student_name"] == "Nguyễn Văn An" and core["entry"] == "ab-initio"
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert f"connect-src http://{CONTENT}{path}commit/" in policy
    assert "frame-ancestors " in policy and "X-Frame-Options" not in page
    assert not page.cookies and page["X-Content-Type-Options"] == "nosniff"


def test_the_packages_files_are_served_on_the_content_origin_only(world):
    path, _attempt = launch(world)
    index = content("get", path + "files/shared/index.html")
    assert index.status_code == 200
    assert index["Content-Type"] == "text/html"
    assert index["X-Content-Type-Options"] == "nosniff"
    policy = index["Content-Security-Policy"]
    own = f"http://{CONTENT}{path}"
    assert f"script-src {own} 'unsafe-inline'" in policy
    assert f"connect-src {own}" in policy and "connect-src *" not in policy
    assert f"default-src {own}" in policy and "object-src 'none'" in policy
    assert not index.cookies
    assert b"".join(index.streaming_content) == files()["shared/index.html"]
    script = content("get", path + "files/shared/scormfunctions.js")
    assert script["Content-Type"] == "text/javascript; charset=utf-8"
    part = content("get", path + "files/shared/style.css", HTTP_RANGE="bytes=0-3")
    assert part.status_code == 206 and b"".join(part.streaming_content) == b"body"
    # Not in the package, outside it, the manifest's folder: 404.
    assert content("get", path + "files/shared/none.html").status_code == 404
    assert content("get", path + "files/../../settings.py").status_code == 404

    # The site's host never serves them, nor the launch page.
    main = Client()
    main.force_login(world.tree.cadre)
    assert main.get(path + "files/shared/index.html").status_code == 404
    assert main.get(path).status_code == 404


def test_the_sites_pages_are_404_on_the_content_host(world):
    for url in ("/login/", "/", reverse("elearning:learn"), "/admin/", "/api/v1/"):
        answer = content("get", url)
        assert answer.status_code == 404, url
        assert not answer.cookies


def test_a_forged_or_old_key_opens_nothing(world):
    path, attempt = launch(world)
    token = path.split("/")[3]
    assert content("get", path.replace(token, token[:-2] + "xx")).status_code == 404
    assert content("get", path.replace(token, "abc")).status_code == 404


# --- commits -------------------------------------------------------------------------------


def test_a_passed_commit_saves_the_attempt_and_moves_the_target(world):
    """003: a course completed online writes a training record that counts toward the
    targets — a SCORM lesson done is the lesson done, as any lesson."""
    before = {o.target.code: o.status for o in person_obligations(world.tree.nguyen, today())}
    assert before["T-003-4c"] == Status.DUE
    path, attempt = launch(world)
    answer = commit(path + "commit/", PASSED)
    enrolment = CourseEnrolment.objects.get(pk=world.enrolment.pk)
    assert answer.status_code == 200 and answer.json() == {
        "result": True,
        "errorCode": 0,
        "done": True,
        "completed": True,
        "certificate": reverse("training:certificate", args=[enrolment.record_id]),
    }
    assert not answer.cookies
    attempt.refresh_from_db()
    assert attempt.status == "passed" and attempt.score_raw == Decimal("85.00")
    assert (attempt.score_min, attempt.score_max) == (Decimal("0"), Decimal("100"))
    assert attempt.total_seconds == 200 and attempt.commits == 1
    assert attempt.cmi["cmi.core.lesson_location"] == "trang-2"
    assert attempt.cmi["cmi.suspend_data"] == "cau1=dung"
    assert LessonProgress.objects.get(enrolment=world.enrolment, lesson=world.lesson).done_at
    enrolment = CourseEnrolment.objects.get(pk=world.enrolment.pk)
    assert enrolment.completed_at is not None and enrolment.record is not None
    assert enrolment.record.hours == 8 and enrolment.record.form == "online"
    after = {o.target.code: o for o in person_obligations(world.tree.nguyen, today())}
    assert after["T-003-4c"].status == Status.MET
    assert after["T-003-4c"].record == enrolment.record

    # The next launch resumes from what was committed, with the time spent so far.
    again = content("get", path)
    body = again.content.decode()
    data = json.loads(
        body.split('id="scorm-settings" type="application/json">')[1].split("</script>")[0]
    )
    core = data["cmi"]["core"]
    assert core["entry"] == "resume" and core["lesson_location"] == "trang-2"
    assert core["total_time"] == "0000:03:20" and data["cmi"]["suspend_data"] == "cau1=dung"
    assert "exit" not in core


def test_an_incomplete_commit_does_not_count_and_a_later_one_never_undoes(world):
    path, attempt = launch(world)
    incomplete = json.loads(json.dumps(PASSED))
    incomplete["cmi"]["core"]["lesson_status"] = "incomplete"
    answer = commit(path + "commit/", incomplete)
    assert answer.status_code == 200 and answer.json()["done"] is False
    assert answer.json()["completed"] is False and answer.json()["certificate"] == ""
    progress = LessonProgress.objects.get(enrolment=world.enrolment, lesson=world.lesson)
    assert progress.done_at is None
    assert CourseEnrolment.objects.get(pk=world.enrolment.pk).completed_at is None
    commit(path + "commit/", PASSED)
    commit(path + "commit/", incomplete)
    progress.refresh_from_db()
    assert progress.done_at is not None
    assert ScormAttempt.objects.get(pk=attempt.pk).commits == 3


def test_the_commit_refuses_bad_old_and_others_keys_and_oversize_bodies(world, monkeypatch):
    path, attempt = launch(world)
    token = path.split("/")[3]
    url = path + "commit/"
    assert commit(url.replace(token, token[:-3] + "abc"), PASSED).status_code == 403
    # Someone else's key for another lesson of another course: it names this attempt, but
    # the key binds the person and the lesson too.
    other = signing.dumps(
        {"a": attempt.pk, "p": world.tree.tran.pk, "l": attempt.lesson_id + 999},
        salt=scorm.SALT,
    )
    assert commit(url.replace(token, other), PASSED).status_code == 403
    # A key signed for something else (another salt) is no key.
    forged = signing.dumps({"a": attempt.pk, "p": attempt.enrolment.person_id, "l": 1})
    assert commit(url.replace(token, forged), PASSED).status_code == 403
    # Oversize and non-JSON bodies.
    huge = json.dumps({"cmi": {"suspend_data": "x" * (scorm.COMMIT_LIMIT + 10)}}).encode()
    assert commit(url, huge).status_code == 413
    assert commit(url, b"\xff\xfe not json").status_code == 400
    assert commit(url, [1, 2]).status_code == 400
    # On the site's host the commit route does not exist.
    assert Client().post(url, data=b"{}", content_type="application/json").status_code == 404
    # An old key: SCORM_TOKEN_HOURS (12) later.
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() + 13 * 3600)
    assert commit(url, PASSED).status_code == 403
    monkeypatch.setattr(signing.time, "time", real)
    attempt.refresh_from_db()
    assert attempt.commits == 0 and attempt.status == ""
    assert not LessonProgress.objects.filter(done_at__isnull=False).exists()


def test_bounded_values(world):
    path, attempt = launch(world)
    wild = {
        "cmi": {
            "core": {
                "lesson_status": "hacked",
                "lesson_location": "x" * 5000,
                "score": {"raw": "1e400", "min": "abc"},
                "total_time": "99999999:00:00",
            },
            "suspend_data": "y" * 70_000,
        }
    }
    assert commit(path + "commit/", wild).status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == "" and attempt.score_raw is None and attempt.score_min is None
    assert len(attempt.cmi["cmi.core.lesson_location"]) == scorm.TEXT_LIMIT
    assert len(attempt.cmi["cmi.suspend_data"]) == scorm.SUSPEND_LIMIT
    assert attempt.total_seconds == 0  # not a CMITimespan: the time is not taken


def test_2004_commits_are_read_by_their_own_elements():
    read = scorm.read_commit(
        {
            "cmi.completion_status": "incomplete",
            "cmi.success_status": "passed",
            "cmi.score.raw": "9",
            "cmi.total_time": "PT1H2M3.5S",
            "cmi.location": "p3",
        },
        "2004",
    )
    assert read.done and read.status == "passed" and read.score_raw == Decimal("9.00")
    assert read.total_seconds == 3723 and read.cmi["cmi.location"] == "p3"
    completed = scorm.read_commit({"cmi": {"completion_status": "completed"}}, "2004")
    assert completed.done and completed.status == "completed"
    assert not scorm.read_commit({"cmi": {"success_status": "failed"}}, "2004").done
    assert scorm.seconds("0001:30:00", "1.2") == 5400
    assert scorm.seconds("PT", "2004") is None and scorm.seconds("12:00", "1.2") is None


# --- the system's own course archive ---------------------------------------------------------


def test_a_course_with_a_scorm_lesson_travels_in_the_course_archive(world):
    """The system's own archive keeps working for exchange between provinces (issue 25 §1):
    the package goes with the course and is checked again on import."""
    from elearning import exchange

    archive = io.BytesIO()
    exchange.export_course(world.course, archive)
    copy = exchange.import_course(
        user=world.tree.hanoi_officer, archive=io.BytesIO(archive.getvalue()), unit=world.tree.hanoi
    )
    lesson = copy.modules.get().lessons.get()
    assert (lesson.kind, lesson.scorm_version, lesson.scorm_launch) == (
        "scorm",
        "1.2",
        "shared/index.html",
    )
    with lesson.file.open("rb") as stored:
        assert zipfile.ZipFile(stored).read("shared/index.html") == files()["shared/index.html"]

    # A package that is not SCORM inside an archive is refused, naming the lesson.
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive.getvalue())) as source:
        with zipfile.ZipFile(broken, "w") as target:
            document = json.loads(source.read("course.json"))
            entry = document["modules"][0]["lessons"][0]["file"]
            bad = package({"imsmanifest.xml": None})
            entry.update(size=len(bad), sha256=None)
            target.writestr(entry["name"], bad)
            target.writestr("course.json", json.dumps(document))
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        exchange.import_course(
            user=world.tree.hanoi_officer,
            archive=io.BytesIO(broken.getvalue()),
            unit=world.tree.hanoi,
        )
    assert any("Tệp không có imsmanifest.xml" in m for m in refused.value.messages)


@pytest.mark.parametrize(
    "origin, refused",
    [
        ("https://daotao.congdoan.vn", "SCORM_CONTENT_ORIGIN must be another host name"),
        ("http://noidung.congdoan.vn", "SCORM_CONTENT_ORIGIN must be an https:// address"),
        ("https://noidung.congdoan.vn", None),
    ],
)
def test_production_refuses_a_content_origin_that_is_not_another_https_host(origin, refused):
    from tests.test_production_settings import check_deploy

    result = check_deploy(SCORM_CONTENT_ORIGIN=origin)
    if refused is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0 and refused in result.stderr
