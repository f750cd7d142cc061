"""A course exported to the e-learning standards (issue 25 §2), so the confederation's courses
are not locked in this system: a SCORM 1.2 package that another LMS (Moodle, …) imports and
plays, and an IMS Common Cartridge 1.1 (.imscc) for the LMSs that prefer cartridges.

Both are read from the course as the system's own archive reads it
(`elearning.exchange.course_document`): modules in order, each lesson, its file, the quiz bank.

SCORM 1.2 (`course_scorm12`): `imsmanifest.xml` (IMS CP 1.1.2 with ADL's SCORM 1.2
extensions, validated in the tests against the four schemas shipped at the package root, from
elearning/scorm_schemas/), one organisation of one item per module holding one item per lesson;
each lesson is a SCO — one HTML page under `lessons/`, its file under `files/` — that finds the
LMS's API and reports: text, PDF and an embedded video completed when opened, a video when 90%
of it has been watched or it ended, a quiz its score and passed / failed against its passing
score. A SCORM 1.2 package has no server of its own, so a quiz's bank and its right answers
travel in the page and are marked in the browser: whoever has the package can read them.

Common Cartridge 1.1 (`course_common_cartridge`): the same organisation; text, PDF and video
lessons as web content (the same pages without the SCORM script), embedded videos as web
links, quizzes as QTI 1.2 assessments of the CC profile holding the whole bank (the profile
cannot draw questions at random nor state a passing score: README.txt gives both, for the
LMS's settings). Validated by structure in the tests: IMS's CC schemas are not vendored.

File names in the packages are ASCII slugs of the titles (an LMS may unpack to any file
system); everything from the course is escaped: the manifest is written by ElementTree, the
pages by Django's templates, the quiz bank as a JSON data block."""

import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from lxml import etree

from elearning.exchange import CHUNK, course_document, unsafe
from elearning.models import Course, Lesson, LessonKind, ScormVersion
from elearning.services import clean_html
from elearning.views.learn import embed_src
from lib.vntext import fold

SCHEMAS = Path(__file__).resolve().parent / "scorm_schemas"
SCHEMA_FILES = ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd")
ASSETS = Path(__file__).resolve().parent / "templates" / "elearning" / "scorm_export" / "shared"
PAGE = "elearning/scorm_export/lesson.html"

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML = "http://www.w3.org/XML/1998/namespace"

CC = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CC_LOM = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
CC_WL = "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"
CC_SCHEMAS = "http://www.imsglobal.org/profile/cc/ccv1p1"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"


def _slug(text: str, limit: int = 40) -> str:
    """An ASCII file-name part: 'Bài 1: Điều lệ' -> 'bai-1-dieu-le'."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:limit].rstrip("-") or "bai"


def _file_name(name: str) -> str:
    """A lesson file's name as ASCII, its extension kept."""
    stem, dot, ext = PurePosixPath(name).name.rpartition(".")
    if not dot:
        stem, ext = ext, ""
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())[:10]
    return _slug(get_valid_filename(stem) or stem, 60) + (f".{ext}" if ext else "")


@dataclass
class PackedLesson:
    number: int
    title: str
    kind: str
    page: str  # lessons/003-bai-3.html
    file: str | None  # files/003/bai-giang.mp4
    lesson: dict
    quiz: dict | None = None
    # A SCORM 1.2 lesson: its own package, nested under packages/NNN/, its launch file the SCO.
    package: Lesson | None = None
    package_files: list[str] = field(default_factory=list)


@dataclass
class PackedModule:
    number: int
    title: str
    lessons: list[PackedLesson] = field(default_factory=list)


def _plan(course: Course) -> tuple[dict, list[PackedModule], dict[str, Lesson], list[dict]]:
    """The course as the own archive reads it, with each lesson's page and file named in the
    package; the files to copy (package name -> lesson); the quiz bank. A SCORM 1.2 lesson
    is marked to travel nested (its package unpacked, its launch file the SCO); another
    SCORM lesson (2004) travels as its .zip, linked from a page saying it is taken elsewhere."""
    document, exchange_files = course_document(course)
    sources = {entry["name"]: lesson for entry, lesson in exchange_files}
    files: dict[str, Lesson] = {}
    modules, n = [], 0
    for m, module in enumerate(document["modules"], 1):
        packed = PackedModule(m, module["title"])
        for lesson in module["lessons"]:
            n += 1
            page = f"lessons/{n:03d}-{_slug(lesson['title'])}.html"
            name = source = None
            if lesson["file"] is not None:
                source = sources[lesson["file"]["name"]]
                name = f"files/{n:03d}/{_file_name(lesson['file']['name'])}"
            nested = (
                source
                if source is not None
                and lesson["kind"] == LessonKind.SCORM
                and source.scorm_version == ScormVersion.SCORM_12
                and source.scorm_launch
                else None
            )
            if name is not None:
                files[name] = source
            packed.lessons.append(
                PackedLesson(n, lesson["title"], lesson["kind"], page, name, lesson, package=nested)
            )
        modules.append(packed)
    return document, modules, files, document["questions"]


def _relative(path: str) -> str:
    while path.startswith("./"):
        path = path[2:]
    return path


def _nest_package(archive: zipfile.ZipFile, packed: PackedLesson) -> None:
    """Copy a SCORM 1.2 lesson's package under packages/NNN/: its launch file becomes this
    lesson's SCO, which finds the LMS's API as it did in this system."""
    folder = f"packages/{packed.number:03d}/"
    try:
        source = packed.package.file.open("rb")
    except OSError as exc:
        raise ValidationError(
            _("The file of the lesson “%(title)s” is missing on the server.")
            % {"title": packed.title}
        ) from exc
    with source, zipfile.ZipFile(source) as inner:
        for info in inner.infolist():
            # Checked when uploaded (elearning.scorm); checked again, it leaves by name.
            if info.is_dir() or unsafe(info.filename) or info.filename == "imsmanifest.xml":
                continue
            with inner.open(info) as data, archive.open(folder + info.filename, "w") as out:
                while chunk := data.read(CHUNK):
                    out.write(chunk)
            packed.package_files.append(folder + info.filename)
    packed.page = folder + _relative(packed.package.scorm_launch)
    launch = folder + _relative(unquote(urlsplit(packed.package.scorm_launch).path))
    if launch not in packed.package_files:
        raise ValidationError(
            _("The launch file %(name)s is not in the package.") % {"name": launch}
        )


def _quiz(lesson: dict, bank: list[dict]) -> dict:
    settings_ = lesson.get("quiz") or {}
    count = settings_.get("question_count") or len(bank)
    return {
        "draw": min(count, len(bank)),
        "pass_percent": settings_.get("pass_percent", 0),
        "minutes": settings_.get("time_limit_minutes"),
        "questions": bank,
    }


def _page(document: dict, module: PackedModule, packed: PackedLesson, *, scorm: bool) -> str:
    lesson = packed.lesson
    context = {
        "course": document["course"],
        "module": module,
        "lesson": lesson,
        "body": clean_html(lesson["body"]),  # stored clean; cleaned again, as it leaves
        "file": packed.file,
        "embed_src": embed_src(lesson["embed_url"]) if lesson["kind"] == LessonKind.EMBED else None,
        "scorm": scorm,
    }
    if lesson["kind"] == LessonKind.QUIZ:
        context["quiz"] = packed.quiz
        context["draw"] = packed.quiz["draw"] if packed.quiz else 0
    return render_to_string(PAGE, context)


def _copy_files(archive: zipfile.ZipFile, files: dict[str, Lesson]) -> None:
    for name, lesson in files.items():
        try:
            source = lesson.file.open("rb")
        except OSError as exc:
            raise ValidationError(
                _("The file of the lesson “%(title)s” is missing on the server.")
                % {"title": lesson.title}
            ) from exc
        with source, archive.open(name, "w", force_zip64=True) as out:
            while chunk := source.read(CHUNK):
                out.write(chunk)


def _xml(root) -> bytes:
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def _sub(parent, tag: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _lesson_items(parent, name, modules):
    """An item per module holding an item per lesson, under `parent`, in `name`'s namespace
    (SCORM's or the cartridge's): yields each lesson and its item, for the caller to fill."""
    for module in modules:
        item = _sub(parent, name("item"), identifier=f"MODULE-{module.number}")
        _sub(item, name("title"), module.title)
        for packed in module.lessons:
            child = _sub(
                item,
                name("item"),
                identifier=f"ITEM-{packed.number}",
                identifierref=f"RES-{packed.number}",
            )
            _sub(child, name("title"), packed.title)
            yield packed, child


# --- SCORM 1.2 ----------------------------------------------------------------------------


def _identifier(prefix: str, code: str) -> str:
    """An xsd:ID (an NCName) from a course code."""
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9_.-]', '-', code)}"


def _timespan(minutes: int) -> str:
    return f"{minutes // 60:04d}:{minutes % 60:02d}:00"


def scorm12_manifest(document: dict, modules: list[PackedModule]) -> bytes:
    course = document["course"]
    cp = lambda tag: f"{{{IMSCP}}}{tag}"  # noqa: E731
    adl = lambda tag: f"{{{ADLCP}}}{tag}"  # noqa: E731
    md = lambda tag: f"{{{IMSMD}}}{tag}"  # noqa: E731
    root = etree.Element(
        cp("manifest"),
        {
            "identifier": _identifier("MANIFEST", course["code"]),
            "version": "1.0",
            f"{{{XSI}}}schemaLocation": (
                f"{IMSCP} imscp_rootv1p1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd "
                f"{ADLCP} adlcp_rootv1p2.xsd"
            ),
        },
        nsmap={None: IMSCP, "adlcp": ADLCP, "imsmd": IMSMD, "xsi": XSI},
    )
    metadata = _sub(root, cp("metadata"))
    _sub(metadata, cp("schema"), "ADL SCORM")
    _sub(metadata, cp("schemaversion"), "1.2")
    general = _sub(_sub(metadata, md("lom")), md("general"))
    _sub(_sub(general, md("title")), md("langstring"), course["title"], **{f"{{{XML}}}lang": "vi"})
    _sub(general, md("language"), "vi")
    if course["description"]:
        # The description is HTML; a manifest's langstring is read as plain text.
        description = html.unescape(strip_tags(clean_html(course["description"]))).strip()
        _sub(
            _sub(general, md("description")),
            md("langstring"),
            description,
            **{f"{{{XML}}}lang": "vi"},
        )
    organizations = _sub(root, cp("organizations"), default="ORG-1")
    organization = _sub(organizations, cp("organization"), identifier="ORG-1")
    _sub(organization, cp("title"), course["title"])
    resources = _sub(root, cp("resources"))
    for packed, child in _lesson_items(organization, cp, modules):
        quiz = packed.lesson.get("quiz")
        if packed.kind == LessonKind.QUIZ and quiz:
            if quiz.get("time_limit_minutes"):
                _sub(child, adl("maxtimeallowed"), _timespan(quiz["time_limit_minutes"]))
                _sub(child, adl("timelimitaction"), "exit,message")
            _sub(child, adl("masteryscore"), str(quiz["pass_percent"]))
        resource = _sub(
            resources,
            cp("resource"),
            identifier=f"RES-{packed.number}",
            type="webcontent",
            href=packed.page,
            **{adl("scormtype"): "sco"},
        )
        if packed.package_files:
            for name in packed.package_files:
                _sub(resource, cp("file"), href=name)
            continue
        _sub(resource, cp("file"), href=packed.page)
        if packed.file:
            _sub(resource, cp("file"), href=packed.file)
        _sub(resource, cp("dependency"), identifierref="RES-SHARED")
    shared = _sub(
        resources,
        cp("resource"),
        identifier="RES-SHARED",
        type="webcontent",
        **{adl("scormtype"): "asset"},
    )
    for name in ("shared/scorm12.js", "shared/quiz.js", "shared/lesson.css"):
        _sub(shared, cp("file"), href=name)
    return _xml(root)


def course_scorm12(course: Course) -> bytes:
    """The course as a SCORM 1.2 package (a ZIP)."""
    buffer = io.BytesIO()
    write_scorm12(course, buffer)
    return buffer.getvalue()


def write_scorm12(course: Course, target) -> None:
    """Write the SCORM 1.2 package to `target` (a path or a binary file): a course's videos
    may not fit in memory."""
    document, modules, files, bank = _plan(course)
    with (
        translation.override(settings.LANGUAGE_CODE),
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for module in modules:
            for packed in module.lessons:
                if packed.kind == LessonKind.QUIZ:
                    packed.quiz = _quiz(packed.lesson, bank)
                if packed.package is not None:  # unpacked, not carried as its .zip
                    files.pop(packed.file, None)
                    packed.file = None
                    _nest_package(archive, packed)
                    continue
                archive.writestr(packed.page, _page(document, module, packed, scorm=True))
        archive.writestr("imsmanifest.xml", scorm12_manifest(document, modules))
        for name in SCHEMA_FILES:
            archive.write(SCHEMAS / name, name)
        for name in ("scorm12.js", "quiz.js", "lesson.css"):
            archive.write(ASSETS / name, f"shared/{name}")
        _copy_files(archive, files)


def scorm12_name(course: Course) -> str:
    return f"{get_valid_filename(course.code)}-scorm12.zip"


# --- IMS Common Cartridge 1.1 -------------------------------------------------------------


def cc_manifest(document: dict, modules: list[PackedModule]) -> bytes:
    course = document["course"]
    cc = lambda tag: f"{{{CC}}}{tag}"  # noqa: E731
    lom = lambda tag: f"{{{CC_LOM}}}{tag}"  # noqa: E731
    root = etree.Element(
        cc("manifest"),
        {
            "identifier": _identifier("CC", course["code"]),
            f"{{{XSI}}}schemaLocation": (
                f"{CC} {CC_SCHEMAS}/ccv1p1_imscp_v1p2_v1p0.xsd "
                f"{CC_LOM} {CC_SCHEMAS}/LOM/ccv1p1_lommanifest_v1p0.xsd"
            ),
        },
        nsmap={None: CC, "lomimscc": CC_LOM, "xsi": XSI},
    )
    metadata = _sub(root, cc("metadata"))
    _sub(metadata, cc("schema"), "IMS Common Cartridge")
    _sub(metadata, cc("schemaversion"), "1.1.0")
    general = _sub(_sub(metadata, lom("lom")), lom("general"))
    _sub(_sub(general, lom("title")), lom("string"), course["title"], language="vi")
    _sub(general, lom("language"), "vi")
    organization = _sub(
        _sub(root, cc("organizations")),
        cc("organization"),
        identifier="ORG-1",
        structure="rooted-hierarchy",
    )
    top = _sub(organization, cc("item"), identifier="ROOT")
    resources = _sub(root, cc("resources"))
    for packed, _item in _lesson_items(top, cc, modules):
        if packed.kind == LessonKind.EMBED:
            resource = _sub(
                resources,
                cc("resource"),
                identifier=f"RES-{packed.number}",
                type="imswl_xmlv1p1",
            )
            _sub(resource, cc("file"), href=_weblink_name(packed))
            continue
        if packed.quiz is not None:
            resource = _sub(
                resources,
                cc("resource"),
                identifier=f"RES-{packed.number}",
                type=QTI_TYPE,
            )
            _sub(resource, cc("file"), href=_assessment_name(packed))
            continue
        resource = _sub(
            resources,
            cc("resource"),
            identifier=f"RES-{packed.number}",
            type="webcontent",
            href=packed.page,
        )
        _sub(resource, cc("file"), href=packed.page)
        if packed.file:
            _sub(resource, cc("file"), href=packed.file)
        _sub(resource, cc("dependency"), identifierref="RES-SHARED")
    shared = _sub(resources, cc("resource"), identifier="RES-SHARED", type="webcontent")
    _sub(shared, cc("file"), href="shared/lesson.css")
    readme = _sub(resources, cc("resource"), identifier="RES-README", type="webcontent")
    _sub(readme, cc("file"), href="README.txt")
    return _xml(root)


def _weblink_name(packed: PackedLesson) -> str:
    return f"links/{packed.number:03d}-{_slug(packed.title)}.xml"


def _weblink(packed: PackedLesson) -> bytes:
    root = etree.Element(f"{{{CC_WL}}}webLink", nsmap={None: CC_WL})
    _sub(root, f"{{{CC_WL}}}title", packed.title)
    _sub(root, f"{{{CC_WL}}}url", href=packed.lesson["embed_url"], target="_blank")
    return _xml(root)


def _assessment_name(packed: PackedLesson) -> str:
    return f"assessments/{packed.number:03d}/assessment.xml"


def _qti_field(parent, label: str, entry: str) -> None:
    field_ = _sub(parent, _q("qtimetadatafield"))
    _sub(field_, _q("fieldlabel"), label)
    _sub(field_, _q("fieldentry"), entry)


def _q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


def _qti_text(parent, text: str) -> None:
    _sub(_sub(parent, _q("material")), _q("mattext"), text, texttype="text/plain")


def _qti_item(section, number: int, question: dict) -> None:
    """One question of the bank in the CC 1.1 QTI profile: multiple choice (one right
    answer) or multiple response (all the right ones and none other), 100 when right."""
    item = _sub(section, _q("item"), ident=f"Q-{number}", title=question["text"][:80])
    metadata = _sub(_sub(item, _q("itemmetadata")), _q("qtimetadata"))
    profile = "cc.multiple_response.v0p1" if question["multiple"] else "cc.multiple_choice.v0p1"
    _qti_field(metadata, "cc_profile", profile)
    _qti_field(metadata, "cc_weighting", "1")
    presentation = _sub(item, _q("presentation"))
    _qti_text(presentation, question["text"])
    response = _sub(
        presentation,
        _q("response_lid"),
        ident="response1",
        rcardinality="Multiple" if question["multiple"] else "Single",
    )
    choices = _sub(response, _q("render_choice"))
    for c, choice in enumerate(question["choices"], 1):
        _qti_text(_sub(choices, _q("response_label"), ident=f"Q-{number}-C-{c}"), choice["text"])
    processing = _sub(item, _q("resprocessing"))
    _sub(
        _sub(processing, _q("outcomes")),
        _q("decvar"),
        maxvalue="100",
        minvalue="0",
        varname="SCORE",
        vartype="Decimal",
    )
    condition = _sub(processing, _q("respcondition"), **{"continue": "No"})
    rule = _sub(condition, _q("conditionvar"))
    if question["multiple"]:
        rule = _sub(rule, _q("and"))
    for c, choice in enumerate(question["choices"], 1):
        if choice["correct"]:
            _sub(rule, _q("varequal"), f"Q-{number}-C-{c}", respident="response1")
        elif question["multiple"]:
            _sub(_sub(rule, _q("not")), _q("varequal"), f"Q-{number}-C-{c}", respident="response1")
    _sub(condition, _q("setvar"), "100", action="Set", varname="SCORE")


def _assessment(packed: PackedLesson) -> bytes:
    """A quiz lesson as a CC 1.1 assessment of the whole bank: the cartridge's QTI profile
    draws no questions at random and states no passing score."""
    root = etree.Element(
        _q("questestinterop"),
        {f"{{{XSI}}}schemaLocation": f"{QTI} {CC_SCHEMAS}/ccv1p1_qtiasiv1p2p1_v1p0.xsd"},
        nsmap={None: QTI, "xsi": XSI},
    )
    assessment = _sub(root, _q("assessment"), ident=f"QUIZ-{packed.number}", title=packed.title)
    metadata = _sub(assessment, _q("qtimetadata"))
    _qti_field(metadata, "cc_profile", "cc.exam.v0p1")
    _qti_field(metadata, "qmd_assessmenttype", "Examination")
    _qti_field(metadata, "qmd_scoretype", "Percentage")
    attempts = (packed.lesson.get("quiz") or {}).get("max_attempts")
    if attempts:
        _qti_field(metadata, "cc_maxattempts", str(attempts))
    if packed.quiz.get("minutes"):
        _qti_field(metadata, "qmd_timelimit", str(packed.quiz["minutes"]))
    section = _sub(assessment, _q("section"), ident="root_section")
    for number, question in enumerate(packed.quiz["questions"], 1):
        _qti_item(section, number, question)
    return _xml(root)


def _cc_readme(document: dict, modules: list[PackedModule]) -> str:
    quizzes = [p for m in modules for p in m.lessons if p.kind == LessonKind.QUIZ]
    lines = [
        document["course"]["title"],
        "",
        _(
            "IMS Common Cartridge 1.1 exported by the union cadre training system: text, PDF "
            "and video lessons are web pages, embedded videos are web links, quizzes are QTI "
            "assessments."
        ),
    ]
    if quizzes:
        lines += [
            "",
            _(
                "Each quiz holds the whole question bank of the course, with its right answers: "
                "the cartridge's QTI profile cannot draw some of them at random nor state the "
                "passing score. Set these in the learning platform that imports it:"
            ),
            *(
                "- "
                + _("%(title)s: %(n)s questions drawn, passing score %(p)s%%")
                % {
                    "title": p.title,
                    "n": p.quiz["draw"] if p.quiz else 0,
                    "p": (p.lesson.get("quiz") or {}).get("pass_percent", 0),
                }
                for p in quizzes
            ),
        ]
    return "\n".join(lines) + "\n"


def course_common_cartridge(course: Course) -> bytes:
    """The course as an IMS Common Cartridge 1.1 (.imscc, a ZIP)."""
    buffer = io.BytesIO()
    write_common_cartridge(course, buffer)
    return buffer.getvalue()


def write_common_cartridge(course: Course, target) -> None:
    document, modules, files, bank = _plan(course)
    with (
        translation.override(settings.LANGUAGE_CODE),
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for module in modules:
            for packed in module.lessons:
                if packed.kind == LessonKind.QUIZ and bank:
                    packed.quiz = _quiz(packed.lesson, bank)
                if packed.kind == LessonKind.EMBED:
                    archive.writestr(_weblink_name(packed), _weblink(packed))
                elif packed.quiz is not None:
                    archive.writestr(_assessment_name(packed), _assessment(packed))
                else:
                    archive.writestr(packed.page, _page(document, module, packed, scorm=False))
        archive.writestr("imsmanifest.xml", cc_manifest(document, modules))
        archive.write(ASSETS / "lesson.css", "shared/lesson.css")
        archive.writestr("README.txt", _cc_readme(document, modules))
        _copy_files(archive, files)


def cc_name(course: Course) -> str:
    return f"{get_valid_filename(course.code)}.imscc"
