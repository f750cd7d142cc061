"""The course archive (elearning.exchange) keeps which SCO each lesson of a package of several
SCOs opens: after the archive a province's learners play each lesson's own SCO, not the
first one three times. The archive is hostile input: a lesson naming a launch file that is
not one of its package's SCOs is refused, naming the lesson; an archive written before the
SCO was kept still imports (each lesson opening the first SCO)."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import UserRole
from elearning import exchange, services
from elearning.models import Course, Lesson, ScormAttempt
from tests.conftest import make_user
from tests.elearning.test_scorm import CONTENT, content, several_lessons, world  # noqa: F401  (the fixture)
from tests.fixtures.scorm.build import several_scos, upload

LAUNCHES = ["sco1/index.html", "sco2/index.html?trang=2", "sco3/index.html"]


def archive_of(course: Course) -> bytes:
    buffer = io.BytesIO()
    exchange.export_course(course, buffer)
    return buffer.getvalue()


def changed(data: bytes, change, copies: dict[str, str] | None = None) -> bytes:
    """The archive with course.json changed by `change`; the files as they were, and the
    `copies` (new name: the name of the file copied)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        extra = {name: source.read(copied) for name, copied in (copies or {}).items()}
        for info in source.infolist():
            if info.filename != exchange.JSON_NAME:
                target.writestr(info, source.read(info))
        for name, raw in extra.items():
            target.writestr(name, raw)
        document = json.loads(source.read(exchange.JSON_NAME))
        change(document)
        target.writestr(exchange.JSON_NAME, json.dumps(document, ensure_ascii=False))
    return out.getvalue()


def package_lessons(document: dict) -> list[dict]:
    return [x for m in document["modules"] for x in m["lessons"] if x["kind"] == "scorm"]


def scorm_lessons(course: Course) -> list[Lesson]:
    return list(
        Lesson.objects.filter(module__course=course, kind="scorm").order_by(
            "module__rank", "rank", "id"
        )
    )


def test_each_lesson_of_a_package_plays_its_own_sco_after_the_archive(world):  # noqa: F811
    """Mê Linh's course with a package of three SCOs goes to Ninh Thuận: each lesson there
    opens its own SCO, the package travels once and is stored once, and the launch page
    served for the second lesson opens the second SCO's file."""
    several_lessons(world)
    data = archive_of(world.course)
    document = exchange.read_document(zipfile.ZipFile(io.BytesIO(data)))
    scos = package_lessons(document)[1:]  # the first is the course's own one-SCO package
    assert [x["scorm_launch"] for x in scos] == LAUNCHES
    assert len({x["file"]["name"] for x in scos}) == 1  # one entry for the three SCOs
    assert len([n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if "files/" in n]) == 2

    tree = world.tree
    copy = exchange.import_course(
        user=tree.nt_officer, archive=io.BytesIO(data), unit=tree.ninhthuan
    )
    lessons = scorm_lessons(copy)[1:]
    assert [x.scorm_launch for x in lessons] == LAUNCHES
    assert [x.title for x in lessons] == [x.title for x in scorm_lessons(world.course)[1:]]
    assert len({x.file.name for x in lessons}) == 1  # sharing the stored package, as uploaded
    assert lessons[0].file.name not in {x.file.name for x in scorm_lessons(world.course)}
    assert package_lessons(document) == package_lessons(
        exchange.read_document(zipfile.ZipFile(io.BytesIO(archive_of(copy))))
    )

    # A learner of Ninh Thuận opens the second lesson: its launch page opens SCO 2's file.
    services.course_publish(user=tree.nt_officer, course=copy)
    user = make_user("le", tree.nt_grassroots, UserRole.CADRE, person=tree.le)
    enrolment = services.enrol(user=user, course=copy)
    learner = Client()
    learner.force_login(user)
    page = learner.get(reverse("elearning:learn_lesson", args=[lessons[1].pk]))
    assert page.status_code == 200
    assert ScormAttempt.objects.filter(enrolment=enrolment, lesson=lessons[1]).exists()
    path = page.context["scorm_url"].removeprefix(f"http://{CONTENT}")
    body = content("get", path).content.decode()
    settings_json = json.loads(
        body.split('id="scorm-settings" type="application/json">')[1].split("</script>")[0]
    )
    assert settings_json["scoUrl"] == path + "files/sco2/index.html?trang=2"
    sco = content("get", path + "files/sco2/index.html")
    assert sco.status_code == 200
    assert "Bài 2" in b"".join(sco.streaming_content).decode()


def test_a_lesson_pointing_outside_its_package_is_refused_naming_it(world):  # noqa: F811
    """A tampered course.json sends the second SCO's lesson to a file of the package that
    is no SCO, or to one that is not in it: refused in Vietnamese, naming the lesson, and
    nothing written."""
    several_lessons(world)
    data = archive_of(world.course)
    before = (Course.objects.count(), Lesson.objects.count())
    for launch in ("tai-lieu.html", "../../etc/passwd", "sco9/index.html"):

        def tamper(document, launch=launch):
            package_lessons(document)[2]["scorm_launch"] = launch

        with translation.override("vi"), pytest.raises(ValidationError) as refused:
            exchange.import_course(
                user=world.tree.nt_officer,
                archive=io.BytesIO(changed(data, tamper)),
                unit=world.tree.ninhthuan,
            )
        assert any(
            "“Bài 2: Quy trình thương lượng”" in m and launch in m and "không phải" in m
            for m in refused.value.messages
        ), refused.value.messages
        assert (Course.objects.count(), Lesson.objects.count()) == before


def test_an_archive_written_before_lessons_kept_their_sco_still_imports(world):  # noqa: F811
    """Older archives have no `scorm_launch` and a copy of the package per lesson: each
    lesson opens the package's first SCO, as it did."""
    several_lessons(world)
    data = archive_of(world.course)
    shared = package_lessons(exchange.read_document(zipfile.ZipFile(io.BytesIO(data))))[1]
    copies = {f"files/old{n}/goi.zip": shared["file"]["name"] for n in (2, 3)}

    def older(document):
        for lesson in package_lessons(document):
            del lesson["scorm_launch"]
        for lesson, name in zip(package_lessons(document)[2:], copies, strict=True):
            lesson["file"] = {"name": name}

    copy = exchange.import_course(
        user=world.tree.nt_officer,
        archive=io.BytesIO(changed(data, older, copies)),
        unit=world.tree.ninhthuan,
    )
    lessons = scorm_lessons(copy)
    assert [x.scorm_launch for x in lessons] == ["shared/index.html"] + [LAUNCHES[0]] * 3
    assert len({x.file.name for x in lessons[1:]}) == 3  # a stored copy each, as exported


def test_a_package_uploaded_again_after_the_archive_updates_its_lessons(world):  # noqa: F811
    """The imported lessons share one stored package as uploaded ones do, so a new version
    uploaded over the first moves all of them to it and makes no second set of lessons."""
    several_lessons(world)
    tree = world.tree
    copy = exchange.import_course(
        user=tree.nt_officer, archive=io.BytesIO(archive_of(world.course)), unit=tree.ninhthuan
    )
    lessons = scorm_lessons(copy)[1:]
    module = lessons[0].module
    count, imported = module.lessons.count(), lessons[0].file.name
    services.lesson_save(
        user=tree.nt_officer, module=module, lesson=lessons[0], file=upload(several_scos())
    )
    again = scorm_lessons(copy)[1:]
    assert module.lessons.count() == count
    assert [x.pk for x in again] == [x.pk for x in lessons]
    assert [x.scorm_launch for x in again] == LAUNCHES
    assert len({x.file.name for x in again}) == 1 and again[0].file.name != imported
