"""SCORM packages as lessons: reading a package (imsmanifest.xml), where its content is
served, the signed per-attempt key, and what a commit of the runtime holds.

A package is the ZIP a SCORM authoring tool writes (Articulate, iSpring, Adapt, Moodle's
exports…): `imsmanifest.xml` at its root names the organisations of items, each item
pointing at a resource; each item of the default organisation whose resource is a SCO
(`adlcp:scormtype="sco"` in 1.2, `adlcp:scormType` in 2004) is a lesson of its own, in the
organisation's order (read_manifest says what of a package is not supported). The
package is checked here as every upload is (elearning.exchange's ZIP checks: size, count of
entries, names that stay inside the package, no links) and its manifest read with defusedxml
(no entities, no external DTDs). Nothing in it runs on the server.

It runs in the learner's browser, and only on the content origin (SCORM_CONTENT_ORIGIN,
another host name than the site's, so it shares no cookie or storage with the site): a
launch page of ours there loads the runtime (scorm-again, served from our static files),
gives it the learner's saved data, and opens the SCO in a frame of the same origin; the
runtime's commits go back to the content origin with the attempt's signed key in the URL.
docs/security.md says what that protects and what it cannot."""

import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http.request import split_domain_port
from django.utils.translation import gettext as _

from elearning.models import ScormVersion
from lib import uploads

MB = 1024 * 1024
MANIFEST = "imsmanifest.xml"
MANIFEST_LIMIT = 5 * MB
MAX_ENTRIES = 10_000
MAX_SCOS = 500  # each SCO is a lesson written in the request: a course, not a library
# A package's text (HTML, scripts, XML) packs 5–20 times smaller; its media hardly at all.
# An entry packing more than 200 times smaller, past a megabyte, is a bomb, not a course.
MAX_RATIO = 200
SALT = "elearning.scorm.attempt"
ZIP_ERRORS = uploads.ZIP_ERRORS  # what reading a hostile ZIP may raise


def max_package_bytes() -> int:
    """The largest package, packed or unpacked (ELEARNING_MAX_UPLOAD_MB, as every lesson file)."""
    return int(getattr(settings, "ELEARNING_MAX_UPLOAD_MB", 200)) * MB


# --- reading a package ---------------------------------------------------------------------


@dataclass
class Sco:
    """One SCO of a package: an item of the organisation pointing at a resource that talks to
    the runtime. Each becomes a lesson of its own (elearning.services.lesson_save)."""

    title: str  # the item's
    launch: str  # its resource's href (with the resource's xml:base and the item's parameters)
    mastery_score: Decimal | None = None  # 1.2's adlcp:masteryscore: the score that passes
    launch_data: str = ""  # 1.2's adlcp:datafromlms, 2004's adlcp:dataFromLMS
    scaled_passing_score: Decimal | None = None  # 2004: the primary objective's measure


@dataclass
class Package:
    version: str  # ScormVersion
    launch: str  # the first SCO's href, relative to the package's root (query string kept)
    title: str
    scos: list[Sco] = field(default_factory=list)  # every SCO, in the organisation's order
    # What the package asks for that this system does not do (Vietnamese, for the organiser).
    notes: list[str] = field(default_factory=list)


def _unsafe(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or ".." in path.parts
        or ":" in name
        or "\x00" in name
    )


def _is_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def check_zip(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The entries of a package, after the checks that need no unpacking; ValidationError
    naming what is wrong."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ValidationError(
            _("The package holds more than %(n)s files: it is not a course.") % {"n": MAX_ENTRIES}
        )
    bad = [i.filename for i in infos if _unsafe(i.filename)]
    if bad:
        raise ValidationError(
            _("The package holds unsafe file names (outside its folder): %(names)s.")
            % {"names": ", ".join(bad[:5])}
        )
    links = [i.filename for i in infos if _is_link(i)]
    if links:
        raise ValidationError(
            _("The package holds symbolic links, which are refused: %(names)s.")
            % {"names": ", ".join(links[:5])}
        )
    limit = max_package_bytes()
    if sum(i.file_size for i in infos) > limit:
        raise ValidationError(
            _("The package unpacks to more than the limit of %(mb)s MB.") % {"mb": limit // MB}
        )
    bombs = [
        i.filename
        for i in infos
        if i.file_size > MB and i.file_size > MAX_RATIO * max(i.compress_size, 1)
    ]
    if bombs:
        raise ValidationError(
            _(
                "The file %(name)s of the package unpacks to more than %(ratio)s times its "
                "packed size: it is not a real course file."
            )
            % {"name": bombs[0], "ratio": MAX_RATIO}
        )
    return infos


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attribute(element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace or case (adlcp:scormtype in
    1.2, adlcp:scormType in 2004; tools write either)."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return None


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _version(manifest) -> str:
    metadata = next(iter(_children(manifest, "metadata")), None)
    schema = ""
    if metadata is not None:
        found = next(iter(_children(metadata, "schemaversion")), None)
        schema = _text(found)
    namespaces = " ".join(
        [manifest.tag, *(str(v) for v in manifest.attrib.values())]
    )  # schemaLocation names the 2004 schemas when schemaversion is missing
    if schema.startswith("2004") or schema.startswith("CAM 1.3") or "adlcp_v1p3" in namespaces:
        return ScormVersion.SCORM_2004
    return ScormVersion.SCORM_12


def _parse(raw: bytes):
    try:
        manifest = ElementTree.fromstring(raw, forbid_dtd=False)
    except DefusedXmlException as exc:
        raise ValidationError(
            _("imsmanifest.xml cannot be read: %(error)s")
            % {"error": _("it declares entities, which are refused")}
        ) from exc
    except ElementTree.ParseError as exc:
        raise ValidationError(
            _("imsmanifest.xml cannot be read: %(error)s") % {"error": str(exc)}
        ) from exc
    if _local(manifest.tag) != "manifest":
        raise ValidationError(
            _("imsmanifest.xml cannot be read: %(error)s")
            % {"error": _("its root element is not <manifest>")}
        )
    return manifest


def _items(parent, hidden: bool = False):
    """The items under an organisation or an item, in document order (nested groups
    flattened), each with whether it or a group holding it is hidden (isvisible="false")."""
    for item in _children(parent, "item"):
        invisible = hidden or (_attribute(item, "isvisible") or "").strip().lower() == "false"
        yield item, invisible
        yield from _items(item, invisible)


def _child_text(element, name: str) -> str:
    return _text(next(iter(_children(element, name)), None))


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, ValueError, AttributeError):
        return None
    return number if number.is_finite() else None


def _passing_measure(item) -> Decimal | None:
    """2004: the primary objective's minNormalizedMeasure, when it decides success."""
    for objective in item.iter():
        if _local(objective.tag) != "primaryObjective":
            continue
        if (_attribute(objective, "satisfiedByMeasure") or "").strip().lower() != "true":
            return None
        measure = _decimal(_child_text(objective, "minNormalizedMeasure") or "1.0")
        return measure if measure is not None and -1 <= measure <= 1 else None
    return None


def _sco(item, resource, title: str) -> Sco:
    href = _attribute(resource, "href")
    if not href:
        raise ValidationError(
            _("The SCO of the item “%(item)s” names no launch file (href).") % {"item": title}
        )
    launch = (_attribute(resource, "base") or "") + href
    parameters = _attribute(item, "parameters") or ""
    if parameters:
        launch += ("&" if "?" in launch else "?") + parameters.lstrip("?&")
    mastery = _decimal(_child_text(item, "masteryscore"))
    data = _child_text(item, "datafromlms") or _child_text(item, "dataFromLMS")
    return Sco(
        title=title,
        launch=launch,
        mastery_score=mastery if mastery is not None and 0 <= mastery <= 100 else None,
        launch_data=data[:TEXT_LIMIT],
        scaled_passing_score=_passing_measure(item),
    )


def read_manifest(raw: bytes, names: set[str]) -> Package:
    """The package's runtime version, SCOs and title, from its manifest's bytes; `names` are
    the package's files (every SCO's launch file must be one of them).

    Every item of the default organisation whose resource is a SCO is one SCO, nested groups
    read in order. Not supported, and said so in the package's notes rather than misplayed:
    items hidden with isvisible="false" (shown only by a sequencing engine, which this system
    has not) and items pointing at assets (pages that never report to the runtime, so could
    never be done) are left out; 1.2's prerequisites and time limits and 2004's sequencing
    rules are not applied — each SCO is a lesson, opened in the course's order and done when
    it reports completed or passed. A 1.2 masteryscore decides passing (read_commit)."""
    manifest = _parse(raw)
    version = _version(manifest)
    resources = {}
    for holder in _children(manifest, "resources"):
        for resource in _children(holder, "resource"):
            identifier = _attribute(resource, "identifier")
            if identifier:
                resources[identifier] = resource
    organisations = next(iter(_children(manifest, "organizations")), None)
    chosen = []
    if organisations is not None:
        every = _children(organisations, "organization")
        default = _attribute(organisations, "default")
        chosen = [o for o in every if _attribute(o, "identifier") == default] or every[:1]
    title = None
    visible: list[Sco] = []
    hidden: list[Sco] = []
    assets: list[str] = []
    unapplied: set[str] = set()
    for organisation in chosen[:1]:
        title = _child_text(organisation, "title") or None
        if _children(organisation, "sequencing"):
            unapplied.add("sequencing")
        for item, invisible in _items(organisation):
            unapplied.update(
                name
                for name in ("prerequisites", "maxtimeallowed", "timelimitaction", "sequencing")
                if _children(item, name)
            )
            reference = _attribute(item, "identifierref")
            if not reference:
                continue  # a group of items: its items are read in order
            item_title = (_child_text(item, "title") or reference)[:255]
            resource = resources.get(reference)
            if resource is None:
                raise ValidationError(
                    _(
                        "The item “%(item)s” points to the resource %(ref)s, which the "
                        "manifest does not declare."
                    )
                    % {"item": item_title, "ref": reference}
                )
            if (_attribute(resource, "scormtype") or "").lower() != "sco":
                assets.append(item_title)
                continue
            (hidden if invisible else visible).append(_sco(item, resource, item_title))
    scos = visible or hidden  # a package whose only SCOs are hidden still plays
    if len(scos) > MAX_SCOS:
        raise ValidationError(
            _("The package holds %(n)s SCOs, more than the %(max)s a course may take.")
            % {"n": len(scos), "max": MAX_SCOS}
        )
    if not scos:
        raise ValidationError(
            _('No SCO to open was found (a resource with adlcp:scormtype="sco").')
        )
    for sco in scos:
        path = launch_path(sco.launch)
        if not _unsafe(path) and path in names:
            continue
        if len(scos) == 1:
            raise ValidationError(
                _("The launch file %(name)s is not in the package.") % {"name": path or sco.launch}
            )
        raise ValidationError(
            _("The launch file %(name)s of the item “%(item)s” is not in the package.")
            % {"name": path or sco.launch, "item": sco.title}
        )
    return Package(
        version=version,
        launch=scos[0].launch,
        title=(title or "")[:255],
        scos=scos,
        notes=_notes(hidden if visible else [], assets, unapplied),
    )


def _notes(hidden: list[Sco], assets: list[str], unapplied: set[str]) -> list[str]:
    notes = []
    if hidden:
        notes.append(
            _('Items hidden in the package (isvisible="false") are not made lessons: %(items)s.')
            % {"items": ", ".join(s.title for s in hidden[:10])}
        )
    if assets:
        notes.append(
            _(
                "Items pointing to assets (files that do not report to the runtime) are not "
                "made lessons: %(items)s."
            )
            % {"items": ", ".join(assets[:10])}
        )
    if "prerequisites" in unapplied:
        notes.append(
            _(
                "The package's prerequisites (adlcp:prerequisites) are not applied: its "
                "lessons open in the course's order and each may be opened at any time."
            )
        )
    if unapplied & {"maxtimeallowed", "timelimitaction"}:
        notes.append(_("The package's time limits (adlcp:maxtimeallowed) are not enforced."))
    if "sequencing" in unapplied:
        notes.append(
            _(
                "The package's SCORM 2004 sequencing rules (imsss:sequencing) are not "
                "applied: each SCO is a lesson of its own, done when it reports completed "
                "or passed."
            )
        )
    return notes


def launch_path(launch: str) -> str:
    """The file a launch address opens, without its query string or fragment."""
    path = unquote(urlsplit(launch).path) if launch else ""
    while path.startswith("./"):
        path = path[2:]
    return path


def stored_sco(lesson) -> Sco | None:
    """The lesson's SCO as its stored package's manifest describes it (its mastery score and
    launch data), or None when the package cannot be read. Read when the lesson is launched
    and when a commit brings a score: a few milliseconds, and the stored package is the one
    truth (a lesson carries only its launch file: no field per SCO attribute)."""
    if not lesson.file or not lesson.scorm_launch:
        return None
    try:
        with lesson.file.storage.open(lesson.file.name, "rb") as handle:
            with zipfile.ZipFile(handle) as zf:
                info = zf.getinfo(MANIFEST)
                if info.file_size > MANIFEST_LIMIT:
                    return None
                raw = zf.read(info)
                names = {i.filename for i in zf.infolist() if not i.is_dir()}
        package = read_manifest(raw, names)
    except (OSError, KeyError, ValidationError, RecursionError, *ZIP_ERRORS):
        return None
    return next((sco for sco in package.scos if sco.launch == lesson.scorm_launch), None)


def mastery_score(lesson) -> Decimal | None:
    """The score that passes the lesson's SCO (read_commit): its 1.2 masteryscore, or in 2004
    the scaled passing score of its primary objective; None without one."""
    sco = stored_sco(lesson)
    if sco is None:
        return None
    if lesson.scorm_version == ScormVersion.SCORM_12:
        return sco.mastery_score
    return sco.scaled_passing_score


def read_package(upload) -> Package:
    """Check a package (an uploaded or opened file) and read its manifest; ValidationError
    with a message naming what is wrong. Nothing of it is unpacked but the manifest."""
    limit = max_package_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The package is larger than the limit of %(mb)s MB.") % {"mb": limit // MB}
        )
    try:
        upload.seek(0)
        zf = zipfile.ZipFile(upload)
    except ZIP_ERRORS as exc:
        raise ValidationError(_("The file is not a ZIP archive of a SCORM package.")) from exc
    with zf:
        infos = check_zip(zf)
        names = {i.filename for i in infos if not i.is_dir()}
        info = next((i for i in infos if i.filename == MANIFEST), None)
        if info is None:
            raise ValidationError(_("The file has no imsmanifest.xml: it is not a SCORM package."))
        if info.file_size > MANIFEST_LIMIT:
            raise ValidationError(
                _("imsmanifest.xml is larger than %(mb)s MB.") % {"mb": MANIFEST_LIMIT // MB}
            )
        try:
            with zf.open(info) as handle:
                raw = handle.read(MANIFEST_LIMIT + 1)
        except ZIP_ERRORS as exc:
            raise ValidationError(
                _("imsmanifest.xml cannot be read: %(error)s")
                % {"error": _("the archive is damaged")}
            ) from exc
    try:
        package = read_manifest(raw, names)
    except RecursionError as exc:  # a title nested thousands deep: no tool writes that
        raise ValidationError(
            _("imsmanifest.xml cannot be read: %(error)s") % {"error": _("it is nested too deeply")}
        ) from exc
    upload.seek(0)
    return package


def member(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    """A file of a stored package by its path (404 when missing or unsafe)."""
    if _unsafe(name) or name.endswith("/"):
        raise Http404
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise Http404 from None
    if info.is_dir() or _is_link(info):
        raise Http404
    return info


# What a package's files are served as, by their name's ending: the package's own pages and
# scripts must run (on the content origin only); anything not listed is a download.
TYPES = {
    "html": "text/html",
    "htm": "text/html",
    "xhtml": "application/xhtml+xml",
    "js": "text/javascript",
    "mjs": "text/javascript",
    "css": "text/css",
    "json": "application/json",
    "xml": "application/xml",
    "xsd": "application/xml",
    "txt": "text/plain",
    "vtt": "text/vtt",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "svg": "image/svg+xml",
    "webp": "image/webp",
    "ico": "image/x-icon",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "wav": "audio/wav",
    "pdf": "application/pdf",
}
OPAQUE = "application/octet-stream"


def content_type(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    kind = TYPES.get(suffix, OPAQUE)
    return f"{kind}; charset=utf-8" if kind in ("text/css", "text/javascript") else kind


# --- the content origin --------------------------------------------------------------------

DEV_CONTENT_HOST = "noidung.localhost"


def content_host() -> str:
    """The host name the packages are served on (never the site's own)."""
    origin = getattr(settings, "SCORM_CONTENT_ORIGIN", "")
    return (urlsplit(origin).hostname or "") if origin else DEV_CONTENT_HOST


def content_origin(request) -> str:
    """scheme://host[:port] of the content origin. Unset (development, tests) it is the same
    server reached as noidung.localhost, which every browser resolves to this machine: another
    origin than 127.0.0.1 or localhost, so no cookie of the site is sent to it."""
    origin = getattr(settings, "SCORM_CONTENT_ORIGIN", "")
    if origin:
        return origin.rstrip("/")
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    return f"{request.scheme}://{DEV_CONTENT_HOST}" + (f":{port}" if port != default else "")


def is_content_host(request) -> bool:
    """Whether the request came to the content origin (by its Host, checked against
    ALLOWED_HOSTS, which lists the content host too: config/settings.py)."""
    host, _port = split_domain_port(request.get_host())
    return host == content_host().lower()


# --- the attempt's key ---------------------------------------------------------------------


def token_hours() -> int:
    return int(getattr(settings, "SCORM_TOKEN_HOURS", 12))


def make_token(attempt) -> str:
    """The key of one attempt, in the content origin's URLs: who, which lesson, which attempt,
    signed and dated (it opens that attempt only, for SCORM_TOKEN_HOURS)."""
    return signing.dumps(
        {"a": attempt.pk, "p": attempt.enrolment.person_id, "l": attempt.lesson_id}, salt=SALT
    )


def read_token(token: str) -> dict:
    """The attempt's {a, p, l}; signing.BadSignature (SignatureExpired) when forged or old."""
    data = signing.loads(token, salt=SALT, max_age=token_hours() * 3600)
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "apl"):
        raise signing.BadSignature("not an attempt")
    return data


# --- what a commit holds -------------------------------------------------------------------

COMMIT_LIMIT = 256 * 1024  # the 2004 runtime's largest data (suspend_data 64,000 characters)
SUSPEND_LIMIT = 64_000
TEXT_LIMIT = 1_000
STATUSES_12 = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_2004 = {"passed", "failed", "unknown"}
TIME_12 = re.compile(r"^(\d{1,6}):([0-5]?\d):([0-5]?\d)(?:\.\d{1,2})?$")
TIME_2004 = re.compile(
    r"^P(?:(\d{1,6})Y)?(?:(\d{1,6})M)?(?:(\d{1,6})D)?"
    r"(?:T(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,10})(?:\.\d{1,2})?S)?)?$"
)
MAX_SECONDS = 10 * 365 * 24 * 3600


def seconds(value: str, version: str) -> int | None:
    """A CMITimespan (1.2: HHHH:MM:SS.SS) or an ISO 8601 duration (2004) in whole seconds."""
    if not isinstance(value, str):
        return None
    if version == ScormVersion.SCORM_12:
        match = TIME_12.match(value.strip())
        if not match:
            return None
        hours, minutes, secs = (int(x) for x in match.groups())
        return min(MAX_SECONDS, hours * 3600 + minutes * 60 + secs)
    match = TIME_2004.match(value.strip())
    if not match or value.strip() in ("P", "PT"):
        return None
    y, mo, d, h, mi, s = (int(x or 0) for x in match.groups())
    return min(MAX_SECONDS, ((y * 365 + mo * 30 + d) * 24 + h) * 3600 + mi * 60 + s)


def _score(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) >= 10_000_000:
        return None
    return number.quantize(Decimal("0.01"))


@dataclass
class Commit:
    """What the server keeps of one commit (every value checked and bounded)."""

    status: str
    done: bool
    score_raw: Decimal | None
    score_min: Decimal | None
    score_max: Decimal | None
    total_seconds: int | None
    cmi: dict  # the elements a later launch resumes from


def flat(data, prefix: str = "") -> dict:
    """{"cmi": {"core": {...}}} and {"cmi.core.x": ...} alike, as flat keys (bounded depth)."""
    out: dict = {}
    stack = [(prefix, data, 0)]
    while stack:
        key, value, depth = stack.pop()
        if isinstance(value, dict) and depth < 6:
            for name, item in list(value.items())[:500]:
                stack.append((f"{key}.{name}" if key else str(name), item, depth + 1))
        elif isinstance(value, str | int | float | bool) or value is None:
            out[key] = value
    return out


def read_commit(data, version: str, mastery: Callable[[], Decimal | None] | None = None) -> Commit:
    """A commit's body (scorm-again's JSON, flattened or not), read as this runtime's
    elements; ValidationError when it is not a commit. `mastery` gives the SCO's 1.2
    masteryscore or 2004 scaled passing score (mastery_score, asked only when the commit
    brings a score): with it, the score decides passed or failed, whatever status the SCO
    claims (SCORM 1.2 RTE, cmi.core.lesson_status: "the LMS can change the status to either
    passed or failed" from the score and the mastery score)."""
    if not isinstance(data, dict):
        raise ValidationError(_("A commit is a JSON object of the runtime's elements."))
    values = flat(data.get("runtimeData", data))

    def text(key: str, limit: int = TEXT_LIMIT) -> str | None:
        value = values.get(key)
        if value is None:
            return None
        return str(value)[:limit]

    kept = {}
    if version == ScormVersion.SCORM_12:
        status = (text("cmi.core.lesson_status") or "").lower()
        status = status if status in STATUSES_12 else ""
        done = status in ("completed", "passed")
        score = "cmi.core.score."
        total = text("cmi.core.total_time")
        for key in ("cmi.core.lesson_location", "cmi.core.exit"):
            if text(key) is not None:
                kept[key] = text(key)
        if status:
            kept["cmi.core.lesson_status"] = status
    else:
        completion = (text("cmi.completion_status") or "").lower()
        success = (text("cmi.success_status") or "").lower()
        completion = completion if completion in COMPLETION_2004 else ""
        success = success if success in SUCCESS_2004 else ""
        done = completion == "completed" or success == "passed"
        status = success if success in ("passed", "failed") else completion
        score = "cmi.score."
        total = text("cmi.total_time")
        for key in ("cmi.location", "cmi.exit", "cmi.progress_measure"):
            if text(key) is not None:
                kept[key] = text(key)
        if completion:
            kept["cmi.completion_status"] = completion
        if success:
            kept["cmi.success_status"] = success
    suspend = text("cmi.suspend_data", SUSPEND_LIMIT)
    if suspend is not None:
        kept["cmi.suspend_data"] = suspend
    scores = {part: _score(values.get(score + part)) for part in ("raw", "min", "max")}
    if (
        version == ScormVersion.SCORM_12
        and mastery is not None
        and scores["raw"] is not None
        and status in ("completed", "passed", "failed")
        and (passing := mastery()) is not None
    ):
        status = "passed" if scores["raw"] >= passing else "failed"
        kept["cmi.core.lesson_status"] = status
        done = status == "passed"
    scaled = _score(values.get("cmi.score.scaled"))
    if version == ScormVersion.SCORM_2004 and scaled is not None and -1 <= scaled <= 1:
        kept["cmi.score.scaled"] = str(scaled)
        # SCORM 2004 RTE, cmi.scaled_passing_score: with one, the LMS evaluates success
        # from the scaled score, and then passing (not completion alone) makes it done.
        if mastery is not None and (passing := mastery()) is not None:
            status = "passed" if scaled >= passing else "failed"
            kept["cmi.success_status"] = status
            done = status == "passed"
    for part, value in scores.items():
        if value is not None:
            kept[score + part] = str(value)
    total_seconds = seconds(total, version) if total else None
    return Commit(
        status=status,
        done=done,
        score_raw=scores["raw"],
        score_min=scores["min"],
        score_max=scores["max"],
        total_seconds=total_seconds,
        cmi=kept,
    )


def _timespan(total: int, version: str) -> str:
    if version == ScormVersion.SCORM_12:
        return f"{total // 3600:04d}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return f"PT{total // 3600}H{total % 3600 // 60}M{total % 60}S"


def starting_data(attempt, version: str, person, sco: Sco | None = None) -> dict:
    """What the runtime is loaded with before the SCO starts (scorm-again's loadFromJSON):
    who the learner is, and what the last commit left (where they were, their suspend data,
    status, score, the time spent so far); from the manifest (`sco`), the SCO's launch data
    and the score that passes it."""
    saved = attempt.cmi if isinstance(attempt.cmi, dict) else {}
    resume = bool(saved.get("cmi.suspend_data") or saved.get("cmi.core.lesson_location"))
    resume = resume or bool(saved.get("cmi.location"))
    name = person.full_name
    nested: dict = {}
    for key, value in saved.items():
        parts = key.split(".")[1:]  # without "cmi"
        if parts and parts[-1] in ("exit",):
            continue  # write-only in the runtime: never loaded back
        here = nested
        for part in parts[:-1]:
            here = here.setdefault(part, {})
        here[parts[-1]] = value
    if version == ScormVersion.SCORM_12:
        core = nested.setdefault("core", {})
        core.update(
            {
                "student_id": str(person.pk),
                "student_name": name,
                "entry": "resume" if resume else "ab-initio",
                "credit": "credit",
                "lesson_mode": "normal",
                "total_time": _timespan(attempt.total_seconds, version),
            }
        )
        if sco is not None and sco.mastery_score is not None:
            nested.setdefault("student_data", {})["mastery_score"] = str(sco.mastery_score)
    else:
        nested.update(
            {
                "learner_id": str(person.pk),
                "learner_name": name,
                "entry": "resume" if resume else "ab-initio",
                "credit": "credit",
                "mode": "normal",
                "total_time": _timespan(attempt.total_seconds, version),
            }
        )
        if sco is not None and sco.scaled_passing_score is not None:
            nested["scaled_passing_score"] = str(sco.scaled_passing_score)
    if sco is not None and sco.launch_data:
        nested["launch_data"] = sco.launch_data
    return nested
