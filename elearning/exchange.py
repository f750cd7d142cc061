"""Content exchange: a course as ONE ZIP archive, so the confederation builds a course once
and every province loads it into its own database.

The archive holds `course.json` and the lesson files under `files/`. Everything in
course.json is given by value — topics and roles by their codes, the framework programme by
its name, never a database id — so an archive made on SQLite loads on PostgreSQL and back:

    {"format": "daotao-congdoan/course", "version": 1,
     "course": {"code", "title", "description", "organiser": {"code", "name"} (for
                information), "programme": name or null, "topics": [codes], "hours",
                "open_to_subtree", "audience_roles": [codes]},
     "modules": [{"title", "rank",
                  "lessons": [{"title", "rank", "kind", "required", "body", "embed_url",
                               "file": {"name": "files/001/x.pdf", "size", "sha256"} or null,
                               "quiz": {"question_count", "pass_percent", "max_attempts",
                                        "time_limit_minutes"} (quiz lessons),
                               "scorm_launch": the file its SCO opens (SCORM lessons)}]}],
     "questions": [{"text", "multiple", "choices": [{"text", "correct"}]}]}

A SCORM package of several SCOs is a lesson per SCO sharing the one stored package
(elearning.services.lesson_save): its lessons share one entry under `files/`, each naming the
SCO it opens by `scorm_launch`, which an import keeps only when the package's manifest, read
again, has that SCO. An archive written before `scorm_launch` was kept opens the package's
first SCO in each such lesson.

An import makes a new DRAFT course of the importing unit (the code gets a suffix when it is
taken). A bad archive is refused with every problem named and nothing written: it is checked
whole first (a ZIP, course.json, the format and version, the fields, the topic and role codes
and the programme, safe file names, every file present, sizes and checksums); the rows are
then written through the services in one transaction, and the files only after every row
passed; a failure deletes the files already written and rolls the rows back."""

import hashlib
import json
import os
import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from elearning import scorm
from elearning.forms import MB
from elearning.models import Choice, Course, Lesson, LessonKind, Question
from elearning.services import (
    course_save,
    lesson_file_check,
    lesson_file_kinds,
    lesson_save,
    module_save,
)
from lib import uploads
from lib.dates import today
from lib.numbers import number
from lib.validators import has_unstorable_character
from people.models import Role
from training.models import Programme, Topic

FORMAT = "daotao-congdoan/course"
FORMAT_VERSION = 1
JSON_NAME = "course.json"
FILES_DIR = "files"
JSON_LIMIT = 20 * MB
CHUNK = MB
ZIP_ERRORS = uploads.ZIP_ERRORS  # what reading a hostile ZIP may raise
MAX_ENTRIES = 10_000  # a course of a few hundred lessons has a few hundred files
MAX_RATIO = 100  # unpacked / packed size of one lesson file
# A course of a whole training programme has a few dozen modules and a few hundred lessons.
MAX_MODULES, MAX_LESSONS, MAX_QUESTIONS, MAX_ANSWERS = 500, 2_000, 5_000, 50_000
QUIZ_FIELDS = ("question_count", "pass_percent", "max_attempts", "time_limit_minutes")
EXCHANGED_FILES = (LessonKind.PDF, LessonKind.VIDEO, LessonKind.SCORM)


def max_archive_bytes() -> int:
    """The largest archive accepted, packed or unpacked (ELEARNING_MAX_ARCHIVE_MB, 1024)."""
    return int(getattr(settings, "ELEARNING_MAX_ARCHIVE_MB", 1024)) * MB


def archive_name(course: Course) -> str:
    return f"khoa-hoc-{get_valid_filename(course.code)}.zip"


# --- export -------------------------------------------------------------------------------


def course_document(course: Course) -> tuple[dict, list[tuple[dict, Lesson]]]:
    """course.json without the files' sizes and checksums (filled in as they are written),
    and the lessons whose file goes into the archive, with their entry."""
    course = Course.objects.select_related("organiser", "programme").get(pk=course.pk)
    files: list[tuple[dict, Lesson]] = []
    packages: dict[str, dict] = {}  # a package's lessons (one per SCO) share its entry
    modules = []
    for module in course.modules.order_by("rank", "id").prefetch_related("lessons"):
        lessons = []
        for lesson in sorted(module.lessons.all(), key=lambda x: (x.rank, x.id)):
            entry = None
            if lesson.file and lesson.kind == LessonKind.SCORM:
                entry = packages.get(lesson.file.name)
            if entry is None and lesson.file and lesson.kind in EXCHANGED_FILES:
                name = PurePosixPath(lesson.file.name).name
                entry = {"name": f"{FILES_DIR}/{len(files) + 1:03d}/{name}"}
                files.append((entry, lesson))
                if lesson.kind == LessonKind.SCORM:
                    packages[lesson.file.name] = entry
            item = {
                "title": lesson.title,
                "rank": lesson.rank,
                "kind": lesson.kind,
                "required": lesson.required,
                "body": lesson.body,
                "embed_url": lesson.embed_url,
                "file": entry,
            }
            if lesson.kind == LessonKind.QUIZ:
                item["quiz"] = {name: getattr(lesson, name) for name in QUIZ_FIELDS}
            if lesson.kind == LessonKind.SCORM:
                item["scorm_launch"] = lesson.scorm_launch
            lessons.append(item)
        modules.append({"title": module.title, "rank": module.rank, "lessons": lessons})
    questions = [
        {
            "text": q.text,
            "multiple": q.multiple,
            "choices": [
                {"text": c.text, "correct": c.correct}
                for c in sorted(q.choices.all(), key=lambda c: c.id)
            ],
        }
        for q in course.questions.order_by("id").prefetch_related("choices")
    ]
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "course": {
            "code": course.code,
            "title": course.title,
            "description": course.description,
            "organiser": {"code": course.organiser.code, "name": course.organiser.name},
            "programme": course.programme.name if course.programme_id else None,
            "topics": sorted(course.topics.values_list("code", flat=True)),
            "hours": course.hours,
            "open_to_subtree": course.open_to_subtree,
            "audience_roles": sorted(course.audience_roles.values_list("code", flat=True)),
        },
        "modules": modules,
        "questions": questions,
    }
    return document, files


def export_course(course: Course, target) -> dict:
    """Write the course's archive to `target` (a path or a binary file); returns course.json
    as written."""
    document, files = course_document(course)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry, lesson in files:
            digest, size = hashlib.sha256(), 0
            try:
                source = lesson.file.open("rb")
            except OSError as exc:
                raise ValidationError(
                    _("The file of the lesson “%(title)s” is missing on the server.")
                    % {"title": lesson.title}
                ) from exc
            with source, archive.open(entry["name"], "w", force_zip64=True) as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            entry["size"], entry["sha256"] = size, digest.hexdigest()
        archive.writestr(
            JSON_NAME,
            json.dumps(document, ensure_ascii=False, indent=1),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return document


# --- import: reading and checking ---------------------------------------------------------


class Problems:
    """Every problem found, each a sentence naming where it is."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)

    def value(
        self,
        obj,
        key: str,
        kind,
        where: str,
        *,
        required: bool = True,
        default=None,
        max_length: int | None = None,
        minimum: int | None = None,
    ):
        """obj[key] of the expected kind (str, int, bool, list, dict), or a problem."""
        if not isinstance(obj, dict):
            return default
        value = obj.get(key)
        if value is None:
            if required:
                self.add(_("%(where)s: “%(key)s” is missing.") % {"where": where, "key": key})
            return default
        wrong = {
            str: (not isinstance(value, str), _("%(where)s: “%(key)s” must be text.")),
            int: (
                isinstance(value, bool) or not isinstance(value, int),
                _("%(where)s: “%(key)s” must be a whole number."),
            ),
            bool: (not isinstance(value, bool), _("%(where)s: “%(key)s” must be true or false.")),
            list: (not isinstance(value, list), _("%(where)s: “%(key)s” must be a list.")),
            dict: (not isinstance(value, dict), _("%(where)s: “%(key)s” must be an object.")),
        }[kind]
        if wrong[0]:
            self.add(wrong[1] % {"where": where, "key": key})
            return default
        if max_length is not None and len(value) > max_length:
            self.add(
                _("%(where)s: “%(key)s” is longer than %(n)s characters.")
                % {"where": where, "key": key, "n": max_length}
            )
            return default
        if minimum is not None and value < minimum:
            self.add(
                _("%(where)s: “%(key)s” must be at least %(n)s.")
                % {"where": where, "key": key, "n": minimum}
            )
            return default
        return value


@dataclass
class LessonPlan:
    where: str
    fields: dict
    member: zipfile.ZipInfo | None = None


@dataclass
class ModulePlan:
    where: str
    fields: dict
    lessons: list[LessonPlan] = field(default_factory=list)


@dataclass
class Plan:
    """A checked archive: what to write."""

    course: dict
    topics: list
    roles: list
    modules: list[ModulePlan]
    questions: list[tuple[str, dict, list[dict]]]


def unsafe(name: str) -> bool:
    """A name that could write outside the folder it is unpacked into."""
    path = PurePosixPath(name)
    return (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or ".." in path.parts
        or ":" in name
        or "\x00" in name
    )


def _size_of(archive) -> int | None:
    if isinstance(archive, str | os.PathLike):
        return os.path.getsize(archive)
    if getattr(archive, "size", None) is not None:
        return archive.size
    try:
        here = archive.tell()
        archive.seek(0, os.SEEK_END)
        size = archive.tell()
        archive.seek(here)
        return size
    except (AttributeError, OSError):
        return None


def open_archive(archive) -> zipfile.ZipFile:
    """The ZIP, after the checks that need no unpacking: its size and its entries' names."""
    limit = max_archive_bytes()
    size = _size_of(archive)
    if size is not None and size > limit:
        raise ValidationError(
            _("The archive is larger than the limit of %(mb)s MB.") % {"mb": limit // MB}
        )
    try:
        if hasattr(archive, "seek"):
            archive.seek(0)
        zf = zipfile.ZipFile(archive)
    except ZIP_ERRORS as exc:
        raise ValidationError(_("The file is not a ZIP archive of a course.")) from exc
    try:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ValidationError(
                _("The archive holds more than %(n)s files: it is not a course.")
                % {"n": MAX_ENTRIES}
            )
        bad = [i.filename for i in infos if unsafe(i.filename)]
        if bad:
            raise ValidationError(
                _("The archive holds unsafe file names (outside its folder): %(names)s.")
                % {"names": ", ".join(bad[:10])}
            )
        if sum(i.file_size for i in infos) > limit:
            raise ValidationError(
                _("The archive unpacks to more than the limit of %(mb)s MB.") % {"mb": limit // MB}
            )
    except BaseException:
        zf.close()
        raise
    return zf


def _unstorable_texts(document) -> list[str]:
    """Where course.json holds a text with a NUL or a lone surrogate (a "\\ud800" escape):
    PostgreSQL refuses the first, every database the second, as a server error."""
    found, stack = [], [("course.json", document)]
    while stack and len(found) < 5:
        where, value = stack.pop()
        if isinstance(value, str):
            if has_unstorable_character(value):
                found.append(where)
        elif isinstance(value, dict):
            for key, item in value.items():
                if has_unstorable_character(key):
                    found.append(f"{where} (key)")
                shown = key if key.isprintable() and not has_unstorable_character(key) else "?"
                stack.append((f"{where}.{shown}"[:120], item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return found[:5]


def read_document(zf: zipfile.ZipFile) -> dict:
    try:
        info = zf.getinfo(JSON_NAME)
    except KeyError as exc:
        raise ValidationError(
            _("The archive has no course.json: it is not a course exported by this system.")
        ) from exc
    if info.file_size > JSON_LIMIT:
        raise ValidationError(_("course.json is larger than %(mb)s MB.") % {"mb": JSON_LIMIT // MB})
    try:
        with zf.open(info) as handle:
            raw = handle.read(JSON_LIMIT + 1)
    except ZIP_ERRORS as exc:
        raise ValidationError(_("course.json cannot be read: the archive is damaged.")) from exc
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValidationError(_("course.json is not UTF-8 text.")) from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("course.json is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": exc.lineno, "column": exc.colno}
        ) from exc
    except RecursionError as exc:  # [[[[...]]]] 100,000 deep: no course is built like that
        raise ValidationError(_("course.json is nested too deeply to be a course.")) from exc
    except ValueError as exc:  # a number of thousands of digits (int()'s own limit)
        raise ValidationError(_("course.json holds a number too long to be read.")) from exc
    unstorable = _unstorable_texts(document)
    if unstorable:
        raise ValidationError(
            _(
                "course.json holds a character no database can store (a NUL "
                "or half of a UTF-16 pair) at %(places)s."
            )
            % {"places": ", ".join(unstorable)}
        )
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError(_("course.json does not describe a course of this system."))
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise ValidationError(
            _(
                "Unknown format version %(version)s of the archive: this "
                "system reads version %(known)s."
            )
            % {"version": version, "known": FORMAT_VERSION}
        )
    return document


def _read_through(zf: zipfile.ZipFile, info: zipfile.ZipInfo, read: dict) -> tuple | None:
    """The entry's first bytes and checksum, or None when it is damaged; read once however
    many lessons share it (the SCOs of one package)."""
    if info.filename not in read:
        digest = hashlib.sha256()
        try:  # read through: a damaged entry fails its CRC here, before anything is written
            with zf.open(info) as handle:
                head = handle.read(uploads.HEAD)
                digest.update(head)
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
            read[info.filename] = (head, digest.hexdigest())
        except ZIP_ERRORS:
            read[info.filename] = None
    return read[info.filename]


def _check_file(
    problems: Problems,
    zf: zipfile.ZipFile,
    entry,
    where: str,
    kind: str,
    read: dict,
) -> zipfile.ZipInfo | None:
    name = problems.value(entry, "name", str, where)
    if name is None:
        return None
    if unsafe(name) or not name.startswith(FILES_DIR + "/") or name.endswith("/"):
        problems.add(_("%(where)s: unsafe file name %(name)s.") % {"where": where, "name": name})
        return None
    try:
        info = zf.getinfo(name)
    except KeyError:
        problems.add(
            _("%(where)s: the file %(name)s is not in the archive.")
            % {"where": where, "name": name}
        )
        return None
    kinds = lesson_file_kinds(kind)
    if kind == LessonKind.SCORM:  # a package: read whole by _check_package
        kinds = {"zip": scorm.max_package_bytes()}
    if not kinds:
        problems.add(
            _("%(where)s: only PDF and video lessons carry a file (%(name)s).")
            % {"where": where, "name": name}
        )
        return None
    if info.file_size > max(kinds.values()):
        problems.add(
            _("%(where)s: the file %(name)s is larger than the limit of %(mb)s MB.")
            % {"where": where, "name": name, "mb": max(kinds.values()) // MB}
        )
        return None
    if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > MB:
        # PDFs and videos are compressed already: one that packs 100 times smaller is a bomb.
        problems.add(
            _(
                "%(where)s: the file %(name)s unpacks to %(ratio)s times its packed "
                "size: it is not a real lesson file."
            )
            % {"where": where, "name": name, "ratio": info.file_size // max(info.compress_size, 1)}
        )
        return None
    size = problems.value(entry, "size", int, where, required=False)
    expected = problems.value(entry, "sha256", str, where, required=False)
    if size is not None and size != info.file_size:
        problems.add(
            _("%(where)s: the file %(name)s does not have the size course.json gives.")
            % {"where": where, "name": name}
        )
        return None
    content = _read_through(zf, info, read)
    if content is None:
        problems.add(
            _("%(where)s: the file %(name)s cannot be read: the archive is damaged.")
            % {"where": where, "name": name}
        )
        return None
    head, checksum = content
    try:
        if kind != LessonKind.SCORM:
            lesson_file_check(kind, head, info.file_size)
    except ValidationError as error:
        problems.add(f"{where}: {name}: {error.messages[0]}")
        return None
    if expected is not None and expected.lower() != checksum:
        problems.add(
            _("%(where)s: the file %(name)s is not the one exported (its checksum differs).")
            % {"where": where, "name": name}
        )
        return None
    return info


def _read_package(zf: zipfile.ZipFile, member, packages: dict):
    """The package's manifest as an upload of it is read (elearning.scorm), or the sentence
    saying why it cannot be (None: the archive is damaged); read once however many lessons
    share it."""
    if member.filename not in packages:
        try:
            with zf.open(member) as handle:
                packages[member.filename] = scorm.read_package(handle)
        except ValidationError as error:
            packages[member.filename] = f"{member.filename}: {error.messages[0]}"
        except ZIP_ERRORS:
            packages[member.filename] = None
    return packages[member.filename]


def _check_package(
    p: Problems, zf: zipfile.ZipFile, member, where: str, fields: dict, launch, packages: dict
):
    """A SCORM lesson's package, checked and its manifest read as an upload of it is
    (elearning.scorm); the SCO it opens goes into the lesson's fields: the one course.json
    names when the package has it (hostile input: any other is refused), its first without
    one (an archive written before lessons kept their SCO)."""
    package = _read_package(zf, member, packages)
    if package is None:
        p.add(
            _("%(where)s: the file %(name)s cannot be read: the archive is damaged.")
            % {"where": where, "name": member.filename}
        )
        return None
    if isinstance(package, str):
        p.add(f"{where}: {package}")
        return None
    if launch is None:
        launch = package.launch
    elif launch not in {sco.launch for sco in package.scos}:
        p.add(
            _(
                "%(where)s: the lesson “%(title)s” opens %(launch)s, which is not one of "
                "the SCOs of its package %(name)s."
            )
            % {
                "where": where,
                "title": fields.get("title") or "",
                "launch": launch,
                "name": member.filename,
            }
        )
        return None
    fields.update(scorm_version=package.version, scorm_launch=launch)
    return member


def _check_counts(p: Problems, document: dict) -> None:
    """How many lessons, questions and answers a course may have: each becomes rows written
    in one request."""
    modules = document.get("modules") if isinstance(document.get("modules"), list) else []
    lessons = sum(
        len(m["lessons"])
        for m in modules
        if isinstance(m, dict) and isinstance(m.get("lessons"), list)
    )
    questions = document.get("questions")
    questions = questions if isinstance(questions, list) else []
    answers = sum(
        len(q["choices"])
        for q in questions
        if isinstance(q, dict) and isinstance(q.get("choices"), list)
    )
    for what, count, limit in (
        (_("modules"), len(modules), MAX_MODULES),
        (_("lessons"), lessons, MAX_LESSONS),
        (_("questions"), len(questions), MAX_QUESTIONS),
        (_("answers"), answers, MAX_ANSWERS),
    ):
        if count > limit:
            p.add(
                _("course.json has %(count)s %(what)s, more than the limit of %(limit)s.")
                % {"count": number(count, True), "what": what, "limit": number(limit, True)}
            )


def check(document: dict, zf: zipfile.ZipFile) -> Plan:
    """Every problem of course.json and its files at once, or what to write."""
    p = Problems()
    where = _("course")
    course_in = p.value(document, "course", dict, "course.json") or {}
    course = {
        "code": p.value(course_in, "code", str, where, max_length=40) or "",
        "title": p.value(course_in, "title", str, where, max_length=255),
        "description": p.value(course_in, "description", str, where, required=False, default=""),
        "hours": p.value(course_in, "hours", int, where, minimum=1),
        "open_to_subtree": p.value(
            course_in, "open_to_subtree", bool, where, required=False, default=True
        ),
    }
    if course["code"] is not None and not course["code"].strip():
        p.add(_("%(where)s: “%(key)s” is missing.") % {"where": where, "key": "code"})
    codes = p.value(course_in, "topics", list, where) or []
    if not all(isinstance(c, str) for c in codes):
        p.add(
            _("%(where)s: “%(key)s” must be a list of codes.") % {"where": where, "key": "topics"}
        )
        codes = []
    elif not codes and "topics" in course_in:
        p.add(_("%(where)s: the course has no topic.") % {"where": where})
    topics = list(Topic.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {t.code for t in topics})
    if unknown:
        p.add(
            _(
                "Unknown topic codes in this database: %(codes)s. Add these topics (or "
                "change the archive) and import again."
            )
            % {"codes": ", ".join(unknown)}
        )
    role_codes = p.value(course_in, "audience_roles", list, where, required=False, default=[])
    if not all(isinstance(c, str) for c in role_codes):
        p.add(
            _("%(where)s: “%(key)s” must be a list of codes.")
            % {"where": where, "key": "audience_roles"}
        )
        role_codes = []
    roles = list(Role.objects.filter(code__in=role_codes))
    unknown = sorted(set(role_codes) - {r.code for r in roles})
    if unknown:
        p.add(_("Unknown role codes in this database: %(codes)s.") % {"codes": ", ".join(unknown)})
    programme_name = p.value(course_in, "programme", str, where, required=False)
    if programme_name is not None:
        course["programme"] = Programme.objects.filter(name=programme_name).order_by("id").first()
        if course["programme"] is None:
            p.add(
                _("Unknown framework programme in this database: %(name)s.")
                % {"name": programme_name}
            )
    else:
        course["programme"] = None

    _check_counts(p, document)
    p.raise_if_any()  # a course of 100,000 lessons is not checked lesson by lesson
    modules = []
    read, packages = {}, {}  # the files and packages read, by their names in the archive
    for m, module_in in enumerate(p.value(document, "modules", list, "course.json") or [], 1):
        mwhere = _("module %(n)s") % {"n": m}
        if not isinstance(module_in, dict):
            p.add(_("%(where)s must be an object.") % {"where": mwhere})
            continue
        module = ModulePlan(
            mwhere,
            {
                "title": p.value(module_in, "title", str, mwhere, max_length=255),
                "rank": p.value(
                    module_in, "rank", int, mwhere, required=False, default=0, minimum=0
                ),
            },
        )
        for n, lesson_in in enumerate(
            p.value(module_in, "lessons", list, mwhere, required=False, default=[]), 1
        ):
            lwhere = _("module %(m)s, lesson %(n)s") % {"m": m, "n": n}
            if not isinstance(lesson_in, dict):
                p.add(_("%(where)s must be an object.") % {"where": lwhere})
                continue
            kind = p.value(lesson_in, "kind", str, lwhere)
            if kind is not None and kind not in LessonKind.values:
                p.add(
                    _("%(where)s: unknown kind of lesson “%(kind)s”.")
                    % {"where": lwhere, "kind": kind}
                )
            fields = {
                "title": p.value(lesson_in, "title", str, lwhere, max_length=255),
                "rank": p.value(
                    lesson_in, "rank", int, lwhere, required=False, default=0, minimum=0
                ),
                "kind": kind,
                "required": p.value(
                    lesson_in, "required", bool, lwhere, required=False, default=True
                ),
                "body": p.value(lesson_in, "body", str, lwhere, required=False, default=""),
                "embed_url": p.value(
                    lesson_in, "embed_url", str, lwhere, required=False, default="", max_length=200
                ),
            }
            quiz = p.value(lesson_in, "quiz", dict, lwhere, required=kind == LessonKind.QUIZ)
            if quiz:
                for name in QUIZ_FIELDS:
                    value = p.value(
                        quiz, name, int, lwhere, required=name != "time_limit_minutes", minimum=0
                    )
                    if value is not None:
                        fields[name] = value
            member = None
            entry = lesson_in.get("file")
            if kind in EXCHANGED_FILES and entry is None:
                p.add(_("%(where)s: the lesson's file is missing.") % {"where": lwhere})
            elif entry is not None:
                if not isinstance(entry, dict):
                    p.add(
                        _("%(where)s: “%(key)s” must be an object.")
                        % {"where": lwhere, "key": "file"}
                    )
                else:
                    member = _check_file(p, zf, entry, lwhere, kind, read)
                    if member is not None and kind == LessonKind.SCORM:
                        launch = p.value(
                            lesson_in, "scorm_launch", str, lwhere, required=False, max_length=1000
                        )
                        member = _check_package(p, zf, member, lwhere, fields, launch, packages)
            module.lessons.append(LessonPlan(lwhere, fields, member))
        modules.append(module)

    questions = []
    for q, question_in in enumerate(
        p.value(document, "questions", list, "course.json", required=False, default=[]), 1
    ):
        qwhere = _("question %(n)s") % {"n": q}
        if not isinstance(question_in, dict):
            p.add(_("%(where)s must be an object.") % {"where": qwhere})
            continue
        fields = {
            "text": p.value(question_in, "text", str, qwhere),
            "multiple": p.value(
                question_in, "multiple", bool, qwhere, required=False, default=False
            ),
        }
        choices = []
        for c, choice_in in enumerate(p.value(question_in, "choices", list, qwhere) or [], 1):
            cwhere = _("question %(q)s, answer %(n)s") % {"q": q, "n": c}
            choices.append(
                {
                    "text": p.value(choice_in, "text", str, cwhere, max_length=500),
                    "correct": p.value(
                        choice_in, "correct", bool, cwhere, required=False, default=False
                    ),
                }
            )
            if not isinstance(choice_in, dict):
                p.add(_("%(where)s must be an object.") % {"where": cwhere})
        right = sum(1 for c in choices if c["correct"])
        texts = [c["text"].strip().casefold() for c in choices if c["text"]]
        if len(choices) < 2:
            p.add(_("%(where)s: a question needs at least two answers.") % {"where": qwhere})
        elif len(set(texts)) != len(texts):
            p.add(_("%(where)s: two answers have the same text.") % {"where": qwhere})
        elif right == 0:
            p.add(_("%(where)s: no answer is marked right.") % {"where": qwhere})
        elif right > 1 and not fields["multiple"]:
            p.add(
                _("%(where)s: several answers are marked right but the question takes one.")
                % {"where": qwhere}
            )
        questions.append((qwhere, fields, choices))
    p.raise_if_any()
    return Plan(course, topics, roles, modules, questions)


def free_code(code: str) -> str:
    """The code, or the code with a suffix (-2, -3, ...) when a course already has it."""
    code = code.strip()
    taken = set(Course.objects.filter(code__startswith=code[:30]).values_list("code", flat=True))
    if code not in taken:
        return code
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = code[: 40 - len(suffix)] + suffix
        if candidate not in taken and not Course.objects.filter(code=candidate).exists():
            return candidate
        n += 1


def _planned_name(member: zipfile.ZipInfo, year: int) -> str:
    """Where a lesson's file goes: a folder of its own keeps its name as exported."""
    folder = f"elearning/{year}/{secrets.token_hex(4)}/"
    name = get_valid_filename(PurePosixPath(member.filename).name) or "file"
    room = 100 - len(folder)  # FileField's max_length
    if len(name) > room:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: room - len(ext) - 1] + "." + ext) if dot and len(ext) < 10 else name[:room]
    return folder + name


def _prefixed(where: str, exc: ValidationError) -> ValidationError:
    """A service's refusal, saying where in course.json (and which field) it is."""
    if not hasattr(exc, "error_dict"):
        return ValidationError([f"{where}: {message}" for message in exc.messages])
    return ValidationError(
        [
            f"{where}: {message}" if name == NON_FIELD_ERRORS else f"{where} ({name}): {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    )


# --- import: writing ----------------------------------------------------------------------


def import_course(*, user, archive, unit, code: str | None = None) -> Course:
    """Load an archive as a new draft course of `unit`; all or nothing. `archive` is a path,
    an uploaded file or a binary file."""
    if isinstance(archive, str | os.PathLike):
        with open(archive, "rb") as handle:
            return import_course(user=user, archive=handle, unit=unit, code=code)
    with open_archive(archive) as zf:
        plan = check(read_document(zf), zf)
        return _write(user=user, unit=unit, plan=plan, zf=zf, code=code)


def _write(*, user, unit, plan: Plan, zf: zipfile.ZipFile, code: str | None) -> Course:
    storage = Lesson._meta.get_field("file").storage
    year = today().year
    written: list[str] = []
    try:
        with transaction.atomic():
            fields = dict(plan.course)
            fields["code"] = free_code(code or fields["code"])
            try:
                course = course_save(
                    user=user,
                    organiser=unit,
                    topics=plan.topics,
                    audience_roles=plan.roles,
                    **fields,
                )
            except ValidationError as exc:
                raise _prefixed(_("course"), exc) from exc
            pending: dict[str, tuple] = {}  # a file's planned name: its entry and lessons
            shared: dict[str, str] = {}  # a package's entry: its planned name (SCOs share it)
            for module_plan in plan.modules:
                try:
                    module = module_save(user=user, course=course, **module_plan.fields)
                except ValidationError as exc:
                    raise _prefixed(module_plan.where, exc) from exc
                for lesson_plan in module_plan.lessons:
                    fields = dict(lesson_plan.fields)
                    member = lesson_plan.member
                    if member is not None:
                        fields["file"] = _planned_name(member, year)
                        if fields["kind"] == LessonKind.SCORM:
                            fields["file"] = shared.setdefault(member.filename, fields["file"])
                    try:
                        lesson = lesson_save(user=user, module=module, **fields)
                    except ValidationError as exc:
                        raise _prefixed(lesson_plan.where, exc) from exc
                    if member is not None:
                        pending.setdefault(lesson.file.name, (member, []))[1].append(lesson.pk)
            for where, fields, choices in plan.questions:
                question = Question(course=course, **fields)
                try:
                    question.full_clean()
                    question.save()
                    made = [Choice(question=question, **c) for c in choices]
                    for choice in made:
                        choice.full_clean(exclude=["question"])
                    Choice.objects.bulk_create(made)
                except ValidationError as exc:
                    raise _prefixed(where, exc) from exc
            # Every row passed: now the files.
            for planned, (member, lessons) in pending.items():
                with zf.open(member) as source:
                    name = storage.save(planned, File(source, name=planned))
                written.append(name)
                if name != planned:
                    Lesson.objects.filter(pk__in=lessons).update(file=name)
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return course
