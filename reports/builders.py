"""The content of each report: figures from the selectors, words in the user's language
(the services build files under Vietnamese). Each builder calls `step()` after each piece of
work, so a background job can show its progress."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from lib.dates import today
from people.models import Position
from reports import selectors
from reports.content import Content, Section, Table, letterhead, vn_number
from reports.selectors import CATEGORIES, ReportError
from targets import selectors as target_selectors
from targets.models import Snapshot, SourceDocument
from training.models import Form, Topic
from units.models import Unit, UnitLevel, UnitVersion
from units.selectors import version_on

Step = Callable[[], None]

# Pieces of work per report (for the progress bar): data queries, then the file.
STEPS = {"training": 3, "resolution": 2, "structure": 2, "needs": 2}


def _node(unit: Unit, day: dt.date) -> UnitVersion:
    node = version_on(unit, day)
    if node is None:
        raise ReportError(_("%(unit)s did not exist on %(day)s.") % {
            "unit": unit.name, "day": day.strftime("%d/%m/%Y")})
    return node


def _signer(node: UnitVersion, day: dt.date) -> str:
    chair = (Position.objects.active_on(day).filter(unit_id=node.unit_id, role__code="chair")
             .select_related("person").order_by("-start_date").first())
    return chair.person.full_name if chair else ""


def _frame(kind: str, node: UnitVersion, day: dt.date, title: str, period: str,
           sections: list[Section], filename: str) -> Content:
    made_on = today()
    return Content(kind=kind, title=title, unit_name=node.name, period=period,
                   letterhead=letterhead(node, min(day, made_on), made_on,
                                         _signer(node, made_on)),
                   sections=sections, filename=f"{filename}-{node.unit.code}")


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"))


def category_labels() -> dict[str, str]:
    return {"full_time": _("Full-time union cadres"), "part_time": _("Part-time union cadres"),
            "member": _("Members and workers (not cadres)")}


def _split_labels() -> dict[str, dict]:
    return {"form": dict(Form.choices),
            "level": {lv.rank: str(lv) for lv in UnitLevel.objects.all()},
            "topic": {t.code: str(t) for t in Topic.objects.all()}}


# --- 1. Training results of the year --------------------------------------------------

def _class_tables(stats: dict, labels: dict) -> list[Table]:
    cats = category_labels()
    by_category = stats["by_category"]
    rows = [[cats[c], by_category.get(c, {}).get("classes", 0),
             by_category.get(c, {}).get("attendances", 0),
             by_category.get(c, {}).get("people", 0)] for c in CATEGORIES]
    rows.append([_("Total"), stats["classes"], stats["totals"]["attendances"],
                 stats["totals"]["people"]])
    caption = _("Classes by category")
    tables = [Table(caption, caption, [_("Category"), _("Number of classes"),
                                       _("Number of attendances"), _("Distinct people")],
                    rows, widths=[40, 12, 14, 16])]
    columns = [_("Number of classes"), _("Number of attendances"),
               *(cats[c] for c in CATEGORIES), _("Distinct people")]
    splits = [(_("Classes by organiser level"), _("Organiser level"), "level", "by_level",
               "training_class__organiser__kind__level__rank"),
              (_("Classes by form"), _("Form"), "form", "by_form", "training_class__form")]
    for caption, header, split, key, field in splits:
        crossed = stats["categories_by"][split]
        rows = [[labels[split].get(r[field], "—"), r["classes"], r["attendances"],
                 *(crossed.get(r[field], {}).get(c, 0) for c in CATEGORIES), r["people"]]
                for r in stats[key]]
        tables.append(Table(caption, caption, [header, *columns], rows,
                            widths=[40, 10, 12, 16, 16, 16, 14]))
    caption = _("Classes by topic")
    rows = [[labels["topic"].get(r["training_class__topics__code"], "—"), r["classes"],
             r["attendances"], r["people"]] for r in stats["by_topic"]]
    tables.append(Table(caption, caption, [_("Topic"), _("Number of classes"),
                                           _("Number of attendances"), _("Distinct people")],
                        rows, widths=[40, 12, 14, 16]))
    return tables


def _record_tables(records: dict, labels: dict) -> list[Table]:
    cats = category_labels()
    rows = [[cats[c], records["by_category"][c]] for c in CATEGORIES]
    rows += [[_("Total"), records["attendances"]], [_("Distinct people"), records["people"]]]
    caption = _("Completed by category")
    tables = [Table(caption, caption, [_("Category"), _("Number of attendances")], rows,
                    widths=[40, 14])]
    outside = _("Outside bodies and partners")
    for caption, header, split in ((_("Completed by organiser level"), _("Organiser level"),
                                    "level"),
                                   (_("Completed by form"), _("Form"), "form")):
        crossed = records["categories_by"][split]
        rows = [[labels[split].get(value, "—") if value is not None else outside,
                 sum(counts.values()), *(counts[c] for c in CATEGORIES)]
                for value, counts in sorted(crossed.items(), key=lambda kv: _order(kv[0]))]
        tables.append(Table(caption, caption,
                            [header, _("Number of attendances"), *(cats[c] for c in CATEGORIES)],
                            rows, widths=[40, 12, 16, 16, 16]))
    caption = _("Completed by topic")
    rows = [[labels["topic"].get(code, "—"), n] for code, n in sorted(
        records["by_topic"].items(), key=lambda kv: -kv[1]) if code is not None]
    tables.append(Table(caption, caption, [_("Topic"), _("Number of attendances")], rows,
                        widths=[40, 14]))
    return tables


def _order(value) -> tuple:
    """None last, numbers before text, so the levels read from the top down."""
    return (value is None, str(type(value)), value if value is not None else 0)


def _classes_sentence(unit_name: str, year: int, stats: dict) -> str:
    cats = stats["by_category"]

    def part(category: str, label: str) -> str:
        row = cats.get(category, {})
        return _("%(classes)s classes for %(attendances)s attendances of %(who)s") % {
            "classes": vn_number(row.get("classes", 0)),
            "attendances": vn_number(row.get("attendances", 0)), "who": label}

    labels = category_labels()
    return _("In %(year)s, %(unit)s and the unions below it organised %(classes)s classes "
             "for %(attendances)s attendances (%(people)s people): %(parts)s.") % {
        "year": year, "unit": unit_name, "classes": vn_number(stats["classes"]),
        "attendances": vn_number(stats["totals"]["attendances"]),
        "people": vn_number(stats["totals"]["people"]),
        "parts": "; ".join(part(c, labels[c].lower()) for c in CATEGORIES)}


def training_content(unit: Unit, year: int, step: Step) -> Content:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    node = _node(unit, min(end, today()))
    stats = selectors.class_results(unit=unit, start=start, end=end)
    step()
    records = selectors.record_results(unit=unit, start=start, end=end)
    step()
    labels = _split_labels()
    by = records["by_category"]
    completed = _(
        "In %(year)s, the cadres and members of %(unit)s completed %(attendances)s "
        "attendances of training (%(people)s people), whoever organised it: %(full)s of "
        "full-time cadres, %(part)s of part-time cadres and %(members)s of members.") % {
        "year": year, "unit": node.name, "attendances": vn_number(records["attendances"]),
        "people": vn_number(records["people"]),
        "full": vn_number(by["full_time"]), "part": vn_number(by["part_time"]),
        "members": vn_number(by["member"])}
    note = _("A person attending several classes counts once per class (an attendance) and "
             "once among the distinct people; the category is the posts held on the first "
             "day of the class. A class may cover several topics, so the topics may add up "
             "to more than the total.")
    sections = [
        Section(_("I. CLASSES ORGANISED BY THE UNIONS OF THE UNIT"),
                [_classes_sentence(node.name, year, stats), note],
                _class_tables(stats, labels)),
        Section(_("II. TRAINING COMPLETED BY THE UNIT'S CADRES AND MEMBERS"), [completed],
                _record_tables(records, labels)),
    ]
    return _frame("training", node, end,
                  _("Results of the training and refreshing of union cadres in %(year)s")
                  % {"year": year}, _("Year %(year)s") % {"year": year}, sections,
                  f"ket-qua-dao-tao-{year}")


# --- 2. Implementation of a resolution ------------------------------------------------

def _achieved(result) -> str:
    if result.achieved is None:
        return _("No one concerned")
    return _("Achieved") if result.achieved else _("Not achieved")


def _cell(result) -> str:
    if not result.eligible:
        return "—"
    return f"{vn_number(result.met)}/{vn_number(result.eligible)} ({vn_number(result.percent)}%)"


def _wide_rows(node: UnitVersion, report) -> list[list[str]]:
    """One row per unit below and a column per target, for reading on paper."""
    rows = [[_("Whole unit"), *(_cell(r) for r in report.results)],
            [_("Post-holders of %(unit)s itself") % {"unit": node.name},
             *(_cell(r) for r in report.own)]]
    rows += [[c["version"].name, *(_cell(r) for r in c["results"])] for c in report.children]
    return rows


def document_name(document: SourceDocument) -> str:
    """'Nghị quyết Hội nghị lần thứ Bảy BCH TLĐ khoá XII về tiếp tục đổi mới ...'."""
    title = document.title
    if document.number and title.startswith("Về "):
        return f"{document.number} {title[0].lower()}{title[1:]}"
    return document.number or title


def resolution_content(unit: Unit, day: dt.date, document: SourceDocument,
                       snapshot: Snapshot, step: Step) -> Content:
    node = _node(unit, day)
    report = selectors.target_report(node, day, snapshot, document)
    step()
    head = [_("Code"), _("Target"), _("Threshold (%)"), _("Eligible"), _("Met"),
            _("Percentage (%)"), _("Overdue"), _("Result")]
    rows = [[r.target.code, r.target.name, Decimal(r.target.threshold), r.eligible, r.met,
             r.percent, r.overdue, _achieved(r)] for r in report.results]
    per_unit = [[node.unit.code, _("Post-holders of %(unit)s itself") % {"unit": node.name},
                 r.target.code, r.eligible, r.met, r.percent, _achieved(r)]
                for r in report.own]
    for child in report.children:
        per_unit += [[child["version"].unit.code, child["version"].name, r.target.code,
                      r.eligible, r.met, r.percent, _achieved(r)] for r in child["results"]]
    met = sum(1 for r in report.results if r.achieved)
    measured = sum(1 for r in report.results if r.achieved is not None)
    summary = _("As of %(day)s, %(met)s of the %(measured)s targets of %(document)s that "
                "concern someone in %(unit)s are achieved.") % {
        "day": day.strftime("%d/%m/%Y"), "met": met, "measured": measured,
        "document": document.number or document.title, "unit": node.name}
    codes = [t.code for t in report.targets]
    sections = [
        Section(_("I. RESULTS FOR THE WHOLE UNIT"), [summary],
                [Table(_("Targets of the resolution"), _("Targets"), head, rows,
                       widths=[10, 50, 12, 12, 12, 14, 12, 16])]),
        Section(_("II. RESULTS BY UNIT BELOW"), [
            _("Each cell: met / eligible (percentage).")], [
            Table(_("Targets by unit below"), _("By unit below"),
                  [_("Unit code"), _("Unit"), _("Target"), _("Eligible"), _("Met"),
                   _("Percentage (%)"), _("Result")], per_unit,
                  widths=[14, 45, 12, 12, 12, 14, 16], in_docx=False),
            Table(_("Targets by unit below"), "", [_("Unit"), *codes],
                  _wide_rows(node, report), widths=[40, *[14] * len(codes)], in_xlsx=False)]),
    ]
    if report.unmeasured:
        sections.append(Section(_("III. TARGETS MEASURED WITH THE PLANNING MODULE"), [
            _("These targets will be evaluated once the planning module (annual plans and "
              "budgets) has landed:")] + [f"- {t.code}: {t.name}" for t in report.unmeasured]))
    title = _("Results of implementing %(document)s") % {"document": document_name(document)}
    return _frame("resolution", node, day, title,
                  _("As of %(day)s") % {"day": day.strftime("%d/%m/%Y")}, sections,
                  f"thuc-hien-nghi-quyet-{document.code}-{day:%Y%m%d}")


# --- 3. Cadre structure ---------------------------------------------------------------

def structure_content(unit: Unit, day: dt.date, step: Step) -> Content:
    node = _node(unit, day)
    figures = selectors.cadre_structure(node, day)
    step()
    total = figures["total"]
    labels = selectors.structure_labels()
    tables = []
    captions = [("full_time", _("Full-time and part-time"), _("Full-time")),
                ("gender", _("By gender"), _("Gender")),
                ("age", _("By age"), _("Age")),
                ("education", _("By education level"), _("Education")),
                ("theory", _("By political theory"), _("Political theory")),
                ("level", _("By level of the highest post held"), _("Level"))]
    for key, caption, sheet in captions:
        counts = figures[key]
        rows = [[label, counts.get(value, 0), _percent(counts.get(value, 0), total)]
                for value, label in labels[key]
                if counts.get(value, 0) or key not in ("gender", "level")]
        rows.append([_("Total"), total, _percent(total, total)])
        tables.append(Table(caption, sheet, [caption, _("Cadres"), _("Share (%)")], rows,
                            widths=[40, 12, 12]))
    women = figures["gender"].get("female", 0)
    full_time = figures["full_time"].get(True, 0)
    summary = _("As of %(day)s, %(unit)s has %(total)s union cadres (people holding a union "
                "post), of whom %(full)s full-time (%(full_pct)s%%) and %(women)s women "
                "(%(women_pct)s%%). A person holding several posts counts once.") % {
        "day": day.strftime("%d/%m/%Y"), "unit": node.name, "total": vn_number(total),
        "full": vn_number(full_time), "full_pct": vn_number(_percent(full_time, total) or 0),
        "women": vn_number(women), "women_pct": vn_number(_percent(women, total) or 0)}
    return _frame("structure", node, day, _("Structure of the union cadres"),
                  _("As of %(day)s") % {"day": day.strftime("%d/%m/%Y")},
                  [Section(_("STRUCTURE OF THE CADRES"), [summary], tables)],
                  f"co-cau-can-bo-{day:%Y%m%d}")


# --- 4. Training-needs list -----------------------------------------------------------

PEOPLE_IN_DOCX = 300  # beyond this the names go in the workbook only


def needs_content(unit: Unit, day: dt.date, snapshot: Snapshot, step: Step) -> Content:
    node = _node(unit, day)
    report = selectors.target_report(node, day, snapshot)
    step()
    summary_rows = [[r.target.code, r.target.name,
                     r.target.responsible_level.name if r.target.responsible_level else "",
                     r.eligible, r.not_met, r.overdue] for r in report.results]
    codes = [t.code for t in report.targets]
    child_rows = [[node.unit.code, _("Post-holders of %(unit)s itself") % {"unit": node.name},
                   *(r.not_met for r in report.own)]]
    child_rows += [[c["version"].unit.code, c["version"].name,
                    *(r.not_met for r in c["results"])] for c in report.children]
    still = sum(r.not_met for r in report.results)
    people = Table(_("People still to train"), _("List of names"),
                   target_selectors.needs_headers(),
                   target_selectors.needs_rows(node, day, report.targets),
                   in_docx=still <= PEOPLE_IN_DOCX,
                   omitted_note=_("The %(count)s names are in the XLSX version of this "
                                  "report.") % {"count": vn_number(still)},
                   widths=[10, 28, 12, 14, 36, 24, 10, 12, 12, 24])
    summary = _("As of %(day)s, %(still)s obligations of the cadres of %(unit)s are not yet "
                "met, of which %(overdue)s are overdue. A person concerned by several targets "
                "counts once per target.") % {
        "day": day.strftime("%d/%m/%Y"), "still": vn_number(still), "unit": node.name,
        "overdue": vn_number(sum(r.overdue for r in report.results))}
    sections = [
        Section(_("I. NEEDS BY TARGET"), [summary], [Table(
            _("Needs by target"), _("By target"),
            [_("Code"), _("Category (target)"), _("Level responsible"), _("Concerned"),
             _("Still to train"), _("Overdue")], summary_rows,
            widths=[10, 50, 30, 12, 14, 12])]),
        Section(_("II. NEEDS BY UNIT BELOW"), [], [Table(
            _("Still to train, by unit below"), _("By unit below"),
            [_("Unit code"), _("Unit"), *codes], child_rows, widths=[14, 45, *[10] * len(codes)])]),
        Section(_("III. LIST OF THE PEOPLE TO TRAIN"), [], [people]),
    ]
    return _frame("needs", node, day, _("Training needs of the union cadres"),
                  _("As of %(day)s") % {"day": day.strftime("%d/%m/%Y")}, sections,
                  f"nhu-cau-dao-tao-{day:%Y%m%d}")
