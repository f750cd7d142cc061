"""The content of each report: figures from the selectors, words in the user's language
(the services build files under Vietnamese). Each builder calls `step()` after each piece of
work, so a background job can show its progress."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from lib.dates import today
from people.models import Position
from planning import selectors as planning_selectors
from planning.selectors import Figures
from reports import selectors
from reports.content import Content, Section, Table, letterhead, vn_number
from reports.selectors import AUDIENCES, CATEGORIES, ReportError
from targets import explain as explained
from targets import selectors as target_selectors
from targets.measures import Measure
from targets.models import Snapshot, SourceDocument
from training.models import Audience, Form, Topic
from training.selectors import basic_training
from units.models import Unit, UnitLevel, UnitVersion
from units.selectors import version_on

Step = Callable[[], None]

# Pieces of work per report (for the progress bar): data queries, then the file.
STEPS = {"training": 4, "resolution": 2, "structure": 2, "needs": 2, "plan": 4}


def _node(unit: Unit, day: dt.date) -> UnitVersion:
    node = version_on(unit, day)
    if node is None:
        raise ReportError(
            _("%(unit)s did not exist on %(day)s.")
            % {"unit": unit.name, "day": day.strftime("%d/%m/%Y")}
        )
    return node


def _signer(node: UnitVersion, day: dt.date) -> str:
    chair = (
        Position.objects.active_on(day)
        .filter(unit_id=node.unit_id, role__code="chair")
        .select_related("person")
        .order_by("-start_date")
        .first()
    )
    return chair.person.full_name if chair else ""


def _frame(
    kind: str,
    node: UnitVersion,
    day: dt.date,
    title: str,
    period: str,
    sections: list[Section],
    filename: str,
) -> Content:
    made_on = today()
    return Content(
        kind=kind,
        title=title,
        unit_name=node.name,
        period=period,
        letterhead=letterhead(node, min(day, made_on), made_on, _signer(node, made_on)),
        sections=sections,
        filename=f"{filename}-{node.unit.code}",
    )


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"))


def category_labels() -> dict[str, str]:
    return {
        "full_time": _("Full-time union cadres"),
        "part_time": _("Part-time union cadres"),
        "member": _("Members and workers (not cadres)"),
    }


def audience_labels() -> dict[str, str]:
    """Whom a class was for (training.models.Audience)."""
    return {key: str(label) for key, label in Audience.choices}


def _split_labels() -> dict[str, dict]:
    return {
        "form": dict(Form.choices),
        "level": {lv.rank: str(lv) for lv in UnitLevel.objects.all()},
        "topic": {t.code: str(t) for t in Topic.objects.all()},
    }


# --- 1. Training results of the year --------------------------------------------------


def _class_tables(stats: dict, labels: dict) -> list[Table]:
    audiences, cats = audience_labels(), category_labels()
    by_audience = stats["by_category"]
    rows = [
        [
            audiences[a],
            by_audience[a]["classes"],
            by_audience[a]["attendances"],
            by_audience[a]["people"],
        ]
        for a in AUDIENCES
    ]
    rows.append(
        [_("Total"), stats["classes"], stats["totals"]["attendances"], stats["totals"]["people"]]
    )
    caption = _("Classes by audience")
    tables = [
        Table(
            caption,
            caption,
            [
                _("Audience of the class"),
                _("Number of classes"),
                _("Number of attendances"),
                _("Distinct people"),
            ],
            rows,
            widths=[40, 12, 14, 16],
        )
    ]
    columns = [
        _("Number of classes"),
        _("Number of attendances"),
        *(audiences[a] for a in AUDIENCES),
        _("Distinct people"),
    ]
    splits = [
        (
            _("Classes by organiser level"),
            _("Organiser level"),
            "level",
            "by_level",
            "training_class__organiser__kind__level__rank",
        ),
        (_("Classes by form"), _("Form"), "form", "by_form", "training_class__form"),
    ]
    for caption, header, split, key, field in splits:
        crossed = stats["categories_by"][split]
        rows = [
            [
                labels[split].get(r[field], "—"),
                r["classes"],
                r["attendances"],
                *(crossed.get(r[field], {}).get(a, 0) for a in AUDIENCES),
                r["people"],
            ]
            for r in stats[key]
        ]
        tables.append(
            Table(
                caption, caption, [header, *columns], rows, widths=[40, 10, 12, 16, 16, 16, 16, 14]
            )
        )
    caption = _("Classes by topic")
    rows = [
        [
            labels["topic"].get(r["training_class__topics__code"], "—"),
            r["classes"],
            r["attendances"],
            r["people"],
        ]
        for r in stats["by_topic"]
    ]
    tables.append(
        Table(
            caption,
            caption,
            [_("Topic"), _("Number of classes"), _("Number of attendances"), _("Distinct people")],
            rows,
            widths=[40, 12, 14, 16],
        )
    )
    caption = _("Attendances by who attended")
    rows = [[cats[c], stats["attendees"][c]] for c in CATEGORIES]
    rows.append([_("Total"), stats["totals"]["attendances"]])
    tables.append(
        Table(
            caption,
            caption,
            [_("Posts held on the first day of the class"), _("Number of attendances")],
            rows,
            widths=[40, 14],
        )
    )
    return tables


def _record_tables(records: dict, labels: dict) -> list[Table]:
    cats = category_labels()
    rows = [[cats[c], records["by_category"][c]] for c in CATEGORIES]
    rows += [[_("Total"), records["attendances"]], [_("Distinct people"), records["people"]]]
    caption = _("Completed by category")
    tables = [
        Table(caption, caption, [_("Category"), _("Number of attendances")], rows, widths=[40, 14])
    ]
    outside = _("Outside bodies and partners")
    for caption, header, split in (
        (_("Completed by organiser level"), _("Organiser level"), "level"),
        (_("Completed by form"), _("Form"), "form"),
    ):
        crossed = records["categories_by"][split]
        rows = [
            [
                labels[split].get(value, "—") if value is not None else outside,
                sum(counts.values()),
                *(counts[c] for c in CATEGORIES),
            ]
            for value, counts in sorted(crossed.items(), key=lambda kv: _order(kv[0]))
        ]
        tables.append(
            Table(
                caption,
                caption,
                [header, _("Number of attendances"), *(cats[c] for c in CATEGORIES)],
                rows,
                widths=[40, 12, 16, 16, 16],
            )
        )
    caption = _("Completed by topic")
    rows = [
        [labels["topic"].get(code, "—"), n]
        for code, n in sorted(records["by_topic"].items(), key=lambda kv: -kv[1])
        if code is not None
    ]
    tables.append(
        Table(caption, caption, [_("Topic"), _("Number of attendances")], rows, widths=[40, 14])
    )
    return tables


def _order(value) -> tuple:
    """None last, numbers before text, so the levels read from the top down."""
    return (value is None, str(type(value)), value if value is not None else 0)


def _period_words(first: int, last: int) -> str:
    """'Năm 2019' or 'Từ năm 2011 đến năm 2020' (years are never written as numbers)."""
    if first == last:
        return _("In %(year)s") % {"year": str(first)}
    return _("From %(first)s to %(last)s") % {"first": str(first), "last": str(last)}


def _classes_sentence(unit_name: str, period: str, own: bool, stats: dict) -> str:
    by_audience, labels = stats["by_category"], audience_labels()
    parts = [
        _("%(classes)s classes for %(attendances)s attendances of %(who)s")
        % {
            "classes": vn_number(by_audience[a]["classes"]),
            "attendances": vn_number(by_audience[a]["attendances"]),
            "who": labels[a].lower(),
        }
        for a in AUDIENCES
        if by_audience[a]["classes"]
    ]
    figures = {
        "period": period,
        "unit": unit_name,
        "classes": vn_number(stats["classes"]),
        "attendances": vn_number(stats["totals"]["attendances"]),
        "people": vn_number(stats["totals"]["people"]),
        "parts": "; ".join(parts) or _("none"),
    }
    if own:
        return (
            _(
                "%(period)s, %(unit)s organised %(classes)s classes for %(attendances)s "
                "attendances (%(people)s people): %(parts)s."
            )
            % figures
        )
    return (
        _(
            "%(period)s, %(unit)s and the unions below it organised %(classes)s classes "
            "for %(attendances)s attendances (%(people)s people): %(parts)s."
        )
        % figures
    )


def _share_words(share) -> str:
    """'80%' (a whole percentage without decimals), '66,7%', or '—' for no one."""
    percent = share.percent
    if percent is None:
        return "—"
    return f"{vn_number(int(percent) if percent == percent.to_integral() else percent)}%"


def basic_training_sentence(unit_name: str, day: dt.date, shares: dict) -> str:
    """000: "100% cán bộ công đoàn chuyên trách và 80% cán bộ công đoàn cơ sở đã được bồi
    dưỡng cơ bản về nghiệp vụ công tác công đoàn", from `training.selectors.basic_training`."""
    full, grassroots = shares["full_time"], shares["grassroots"]
    return _(
        "As of %(day)s, %(full)s of the full-time union cadres and %(grassroots)s of the "
        "grassroots union cadres of %(unit)s have been trained in basic union work "
        "(%(full_trained)s of %(full_of)s and %(grassroots_trained)s of %(grassroots_of)s "
        "people)."
    ) % {
        "day": vn_number(day),
        "unit": unit_name,
        "full": _share_words(full),
        "grassroots": _share_words(grassroots),
        "full_trained": vn_number(full.trained),
        "full_of": vn_number(full.of),
        "grassroots_trained": vn_number(grassroots.trained),
        "grassroots_of": vn_number(grassroots.of),
    }


def training_content(unit: Unit, first: int, last: int, own: bool, step: Step) -> Content:
    """Report 1 over the years `first` to `last` (000 is a ten-year report): the classes the
    unit itself organised (`own`) or its whole subtree's; the training its people completed
    and their basic training are the whole subtree's either way (000: the province
    organised its classes, and reports on all its cadres)."""
    start, end = dt.date(first, 1, 1), dt.date(last, 12, 31)
    day = min(end, today())
    node = _node(unit, day)
    stats = selectors.class_results(unit=unit, start=start, end=end, own=own)
    step()
    records = selectors.record_results(unit=unit, start=start, end=end)
    step()
    basic = basic_training(unit=unit, day=day)
    step()
    labels = _split_labels()
    by = records["by_category"]
    period = _period_words(first, last)
    completed = _(
        "%(period)s, the cadres and members of %(unit)s completed %(attendances)s "
        "attendances of training (%(people)s people), whoever organised it: %(full)s of "
        "full-time cadres, %(part)s of part-time cadres and %(members)s of members."
    ) % {
        "period": period,
        "unit": node.name,
        "attendances": vn_number(records["attendances"]),
        "people": vn_number(records["people"]),
        "full": vn_number(by["full_time"]),
        "part": vn_number(by["part_time"]),
        "members": vn_number(by["member"]),
    }
    note = _(
        "A person attending several classes counts once per class (an attendance) and "
        "once among the distinct people. A class and all its attendances count under the "
        "audience it was for; who attended is the posts held on the first day of the class. "
        "A class may cover several topics, so the topics may add up to more than the total."
    )
    populations = (
        ("full_time", _("Full-time union cadres")),
        ("grassroots", _("Cadres of grassroots unions")),
    )
    basic_table = Table(
        _("Basic training in union work"),
        _("Basic training in union work"),
        [_("Cadres"), _("Number of cadres"), _("Trained in basic union work"), _("Percentage")],
        [
            [label, basic[key].of, basic[key].trained, _share_words(basic[key])]
            for key, label in populations
        ],
        widths=[40, 14, 18, 12],
    )
    sections = [
        Section(
            _("I. CLASSES ORGANISED BY THE UNIT")
            if own
            else _("I. CLASSES ORGANISED BY THE UNIONS OF THE UNIT"),
            [_classes_sentence(node.name, period, own, stats), note],
            _class_tables(stats, labels),
        ),
        Section(
            _("II. TRAINING COMPLETED BY THE UNIT'S CADRES AND MEMBERS"),
            [completed],
            _record_tables(records, labels),
        ),
        Section(
            _("III. BASIC TRAINING IN UNION WORK"),
            [basic_training_sentence(node.name, day, basic)],
            [basic_table],
        ),
    ]
    if first == last:
        title = _("Results of the training and refreshing of union cadres in %(year)s") % {
            "year": str(first)
        }
        period_label = _("Year %(year)s") % {"year": str(first)}
        filename = f"ket-qua-dao-tao-{first}"
    else:
        years = {"first": str(first), "last": str(last)}
        title = (
            _("Results of the training and refreshing of union cadres, %(first)s–%(last)s") % years
        )
        period_label = _("Years %(first)s–%(last)s") % years
        filename = f"ket-qua-dao-tao-{first}-{last}"
    return _frame("training", node, end, title, period_label, sections, filename)


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
    rows = [
        [_("Whole unit"), *(_cell(r) for r in report.results)],
        [
            _("Post-holders of %(unit)s itself") % {"unit": node.name},
            *(_cell(r) for r in report.own),
        ],
    ]
    rows += [[c["version"].name, *(_cell(r) for r in c["results"])] for c in report.children]
    return rows


def _measure_result(measure: Measure | None) -> str:
    if measure is not None and measure.no_goal:
        return _("No goal given to this unit")
    if measure is None or measure.achieved is None:
        return _("No figures reported")
    return _("Achieved") if measure.achieved else _("Not achieved")


def _measure_unit(measure: Measure) -> str:
    return "%" if measure.is_percent else _("number")


def _figure_text(value, percent: bool) -> str:
    """A share with its two decimals, rounded down as computed ('14,99%': a share never
    reads 15,0% while it misses 15%), a count with its thousands ('30.000')."""
    if value is None:
        return "—"
    if percent:
        return f"{Decimal(value):.2f}".replace(".", ",") + "%"
    return vn_number(int(value))


def _goal_text(measure: Measure) -> str:
    if measure.goal is None:
        return "—"
    if measure.is_percent:
        return (
            vn_number(int(measure.goal)) + "%"
            if measure.goal == int(measure.goal)
            else _figure_text(measure.goal, True)
        )
    return vn_number(int(measure.goal))


def _measure_cell(measure: Measure | None) -> str:
    """'14,99% · 3 of 4 units reach it' (spending), '30.000' (a count), '—' (no figures)."""
    if measure is None or measure.value is None:
        return "—"
    text = _figure_text(measure.value, measure.is_percent)
    if measure.reaching is not None:
        text += " · " + _("%(reaching)s of %(reporting)s units reach it") % {
            "reaching": vn_number(measure.reaching),
            "reporting": vn_number(measure.reporting),
        }
    return text


def _measure_section(node: UnitVersion, report) -> Section:
    """III. The document's targets measured on unit figures: the unit's subtree, then each
    unit below (its own subtree), as the dashboard shows them. The workbook holds the
    figures as numbers; the Word document as written (two decimals for a share)."""
    measures = report.measures
    head = [
        _("Code"),
        _("Target"),
        _("Figure"),
        _("Goal"),
        _("Unit of measure"),
        _("Units reporting"),
        _("Units reaching it"),
        _("Result"),
    ]
    rows = [
        [
            m.target.code,
            m.target.name,
            m.value,
            m.goal,
            _measure_unit(m),
            m.reporting,
            m.reaching,
            _measure_result(m),
        ]
        for m in measures
    ]
    written = [
        [
            m.target.code,
            m.target.name,
            _measure_cell(m),
            _goal_text(m),
            m.reporting,
            _measure_result(m),
        ]
        for m in measures
    ]
    per_unit = []
    for child in report.child_measures:
        version = child["version"]
        per_unit += [
            [
                version.unit.code,
                version.name,
                m.target.code,
                c.value if c else None,
                c.goal if c else None,  # its own goal (the one given to it), not the whole's
                c.reporting if c else 0,
                c.reaching if c else None,
                _measure_result(c),
            ]
            for m, c in zip(measures, child["measures"], strict=True)
        ]
    wide = [
        [c["version"].name, *(_measure_cell(m) for m in c["measures"])]
        for c in report.child_measures
    ]
    achieved = sum(1 for m in measures if m.achieved)
    summary = _(
        "%(achieved)s of the %(count)s targets measured on unit figures (training "
        "spending, member growth, grassroots unions founded, coverage) are achieved "
        "for %(unit)s; a target without figures reported counts as not achieved."
    ) % {"achieved": achieved, "count": len(measures), "unit": node.name}
    explain = _(
        "Spending share: each unit's own training spending (the actual costs, paid from "
        "union funds, of the classes it organised that started in the year and its other "
        "training costs) "
        "against its operating spending of the year, and how many units of its "
        "subtree reach the goal. Member growth, unions founded and coverage: the "
        "figures entered by the units of the subtree for the period."
    )
    caption, by_unit = (
        _("Targets measured on unit figures"),
        _("Targets measured on unit figures, by unit below"),
    )
    tables = [
        Table(
            caption,
            _("Unit figures"),
            head,
            rows,
            widths=[10, 45, 12, 12, 10, 12, 12, 16],
            in_docx=False,
        ),
        Table(
            caption,
            "",
            [_("Code"), _("Target"), _("Figure"), _("Goal"), _("Units reporting"), _("Result")],
            written,
            widths=[13, 36, 18, 13, 12, 14],
            in_xlsx=False,
        ),
        Table(
            by_unit,
            _("Unit figures by unit"),
            [
                _("Unit code"),
                _("Unit"),
                _("Target"),
                _("Figure"),
                _("Goal"),
                _("Units reporting"),
                _("Units reaching it"),
                _("Result"),
            ],
            per_unit,
            widths=[14, 45, 12, 12, 12, 12, 12, 16],
            in_docx=False,
        ),
    ]
    if wide:
        tables.append(
            Table(
                by_unit,
                "",
                [_("Unit"), *(m.target.code for m in measures)],
                wide,
                widths=[40, *[22] * len(measures)],
                in_xlsx=False,
            )
        )
    return Section(_("III. TARGETS MEASURED ON UNIT FIGURES"), [summary, explain], tables)


def document_name(document: SourceDocument) -> str:
    """'Nghị quyết Hội nghị lần thứ Bảy BCH TLĐ khoá XII về tiếp tục đổi mới ...'."""
    title = document.title
    if document.number and title.startswith("Về "):
        return f"{document.number} {title[0].lower()}{title[1:]}"
    return document.number or title


def resolution_content(
    unit: Unit, day: dt.date, document: SourceDocument, snapshot: Snapshot, step: Step
) -> Content:
    node = _node(unit, day)
    report = selectors.target_report(node, day, snapshot, document)
    step()
    head = [
        _("Code"),
        _("Target"),
        _("Threshold (%)"),
        _("Eligible"),
        _("Met"),
        _("Percentage (%)"),
        _("Overdue"),
        _("Trained late"),
        _("Result"),
    ]
    rows = [
        [
            r.target.code,
            r.target.name,
            Decimal(r.target.threshold),
            r.eligible,
            r.met,
            r.percent,
            r.overdue,
            r.late,
            _achieved(r),
        ]
        for r in report.results
    ]
    per_unit = [
        [
            node.unit.code,
            _("Post-holders of %(unit)s itself") % {"unit": node.name},
            r.target.code,
            r.eligible,
            r.met,
            r.percent,
            _achieved(r),
        ]
        for r in report.own
    ]
    for child in report.children:
        per_unit += [
            [
                child["version"].unit.code,
                child["version"].name,
                r.target.code,
                r.eligible,
                r.met,
                r.percent,
                _achieved(r),
            ]
            for r in child["results"]
        ]
    met = sum(1 for r in report.results if r.achieved)
    measured = sum(1 for r in report.results if r.achieved is not None)
    summary = _(
        "As of %(day)s, %(met)s of the %(measured)s targets of %(document)s that "
        "concern someone in %(unit)s are achieved."
    ) % {
        "day": day.strftime("%d/%m/%Y"),
        "met": met,
        "measured": measured,
        "document": document.number or document.title,
        "unit": node.name,
    }
    codes = [t.code for t in report.targets]
    sections = [
        Section(
            _("I. RESULTS FOR THE WHOLE UNIT"),
            [summary],
            [
                Table(
                    _("Targets of the resolution"),
                    _("Targets"),
                    head,
                    rows,
                    widths=[10, 50, 12, 12, 12, 14, 12, 12, 16],
                )
            ],
        ),
        Section(
            _("II. RESULTS BY UNIT BELOW"),
            [_("Each cell: met / eligible (percentage).")],
            [
                Table(
                    _("Targets by unit below"),
                    _("By unit below"),
                    [
                        _("Unit code"),
                        _("Unit"),
                        _("Target"),
                        _("Eligible"),
                        _("Met"),
                        _("Percentage (%)"),
                        _("Result"),
                    ],
                    per_unit,
                    widths=[14, 45, 12, 12, 12, 14, 16],
                    in_docx=False,
                ),
                Table(
                    _("Targets by unit below"),
                    "",
                    [_("Unit"), *codes],
                    _wide_rows(node, report),
                    widths=[40, *[14] * len(codes)],
                    in_xlsx=False,
                ),
            ],
        ),
    ]
    if report.measures:
        sections.append(_measure_section(node, report))
    sections.append(
        Section(
            f"{'IV' if report.measures else 'III'}. {_('THE PEOPLE BEHIND EACH FIGURE')}",
            [
                _(
                    "Each person each figure counts, with the record that met the target or the "
                    "day it falls due (the same people as the figures above)."
                )
            ],
            [
                Table(
                    _("The people behind each figure"),
                    _("Explanation"),
                    explained.sheet_headers(),
                    explained.sheet_rows(node, day, report.targets),
                    widths=[10, 28, 14, 36, 22, 14, 40, 14, 14],
                    in_docx=False,
                    omitted_note=_(
                        "The list of the people behind each figure is in the workbook (XLSX) "
                        "of this report, sheet “Explanation”."
                    ),
                )
            ],
        )
    )
    title = _("Results of implementing %(document)s") % {"document": document_name(document)}
    return _frame(
        "resolution",
        node,
        day,
        title,
        _("As of %(day)s") % {"day": day.strftime("%d/%m/%Y")},
        sections,
        f"thuc-hien-nghi-quyet-{document.code}-{day:%Y%m%d}",
    )


# --- 3. Cadre structure ---------------------------------------------------------------


def structure_content(unit: Unit, day: dt.date, step: Step) -> Content:
    node = _node(unit, day)
    figures = selectors.cadre_structure(node, day)
    step()
    total = figures["total"]
    labels = selectors.structure_labels()
    tables = []
    captions = [
        ("full_time", _("Full-time and part-time"), _("Full-time")),
        ("gender", _("By gender"), _("Gender")),
        ("age", _("By age"), _("Age")),
        ("education", _("By education level"), _("Education")),
        ("theory", _("By political theory"), _("Political theory")),
        ("level", _("By level of the highest post held"), _("Level")),
    ]
    for key, caption, sheet in captions:
        counts = figures[key]
        rows = [
            [label, counts.get(value, 0), _percent(counts.get(value, 0), total)]
            for value, label in labels[key]
            if counts.get(value, 0) or key not in ("gender", "level")
        ]
        rows.append([_("Total"), total, _percent(total, total)])
        tables.append(
            Table(caption, sheet, [caption, _("Cadres"), _("Share (%)")], rows, widths=[40, 12, 12])
        )
    women = figures["gender"].get("female", 0)
    full_time = figures["full_time"].get(True, 0)
    summary = _(
        "As of %(day)s, %(unit)s has %(total)s union cadres (people holding a union "
        "post), of whom %(full)s full-time (%(full_pct)s%%) and %(women)s women "
        "(%(women_pct)s%%). A person holding several posts counts once."
    ) % {
        "day": day.strftime("%d/%m/%Y"),
        "unit": node.name,
        "total": vn_number(total),
        "full": vn_number(full_time),
        "full_pct": vn_number(_percent(full_time, total) or 0),
        "women": vn_number(women),
        "women_pct": vn_number(_percent(women, total) or 0),
    }
    return _frame(
        "structure",
        node,
        day,
        _("Structure of the union cadres"),
        _("As of %(day)s") % {"day": day.strftime("%d/%m/%Y")},
        [Section(_("STRUCTURE OF THE CADRES"), [summary], tables)],
        f"co-cau-can-bo-{day:%Y%m%d}",
    )


# --- 4. Training-needs list -----------------------------------------------------------

PEOPLE_IN_DOCX = 300  # beyond this the names go in the workbook only


def needs_content(unit: Unit, day: dt.date, snapshot: Snapshot, step: Step) -> Content:
    node = _node(unit, day)
    report = selectors.target_report(node, day, snapshot)
    step()
    summary_rows = [
        [
            r.target.code,
            r.target.name,
            r.target.responsible_level.name if r.target.responsible_level else "",
            r.eligible,
            r.not_met,
            r.overdue,
        ]
        for r in report.results
    ]
    codes = [t.code for t in report.targets]
    child_rows = [
        [
            node.unit.code,
            _("Post-holders of %(unit)s itself") % {"unit": node.name},
            *(r.not_met for r in report.own),
        ]
    ]
    child_rows += [
        [c["version"].unit.code, c["version"].name, *(r.not_met for r in c["results"])]
        for c in report.children
    ]
    still = sum(r.not_met for r in report.results)
    people = Table(
        _("People still to train"),
        _("List of names"),
        target_selectors.needs_headers(),
        target_selectors.needs_rows(node, day, report.targets),
        in_docx=still <= PEOPLE_IN_DOCX,
        omitted_note=_("The %(count)s names are in the XLSX version of this report.")
        % {"count": vn_number(still)},
        widths=[10, 28, 12, 14, 36, 24, 10, 12, 12, 24],
    )
    summary = _(
        "As of %(day)s, %(still)s obligations of the cadres of %(unit)s are not yet "
        "met, of which %(overdue)s are overdue. A person concerned by several targets "
        "counts once per target."
    ) % {
        "day": day.strftime("%d/%m/%Y"),
        "still": vn_number(still),
        "unit": node.name,
        "overdue": vn_number(sum(r.overdue for r in report.results)),
    }
    sections = [
        Section(
            _("I. NEEDS BY TARGET"),
            [summary],
            [
                Table(
                    _("Needs by target"),
                    _("By target"),
                    [
                        _("Code"),
                        _("Category (target)"),
                        _("Level responsible"),
                        _("Concerned"),
                        _("Still to train"),
                        _("Overdue"),
                    ],
                    summary_rows,
                    widths=[10, 50, 30, 12, 14, 12],
                )
            ],
        ),
        Section(
            _("II. NEEDS BY UNIT BELOW"),
            [],
            [
                Table(
                    _("Still to train, by unit below"),
                    _("By unit below"),
                    [_("Unit code"), _("Unit"), *codes],
                    child_rows,
                    widths=[14, 45, *[10] * len(codes)],
                )
            ],
        ),
        Section(_("III. LIST OF THE PEOPLE TO TRAIN"), [], [people]),
    ]
    return _frame(
        "needs",
        node,
        day,
        _("Training needs of the union cadres"),
        _("As of %(day)s") % {"day": day.strftime("%d/%m/%Y")},
        sections,
        f"nhu-cau-dao-tao-{day:%Y%m%d}",
    )


# --- 5. Plan versus actual and spending share -----------------------------------------


def _money(value) -> int:
    """VND amounts are whole: written as integers (thousands in Word, no decimals)."""
    return int(value or 0)


def _plan_figures(f: Figures) -> list:
    return [
        f.planned_classes,
        f.classes,
        f.classes_percent,
        f.planned_trainees,
        f.trainees,
        f.trainees_percent,
        _money(f.budget),
        _money(f.spending),
        f.spending_percent,
    ]


def _plan_heads() -> list[str]:
    return [
        _("Planned classes"),
        _("Classes held"),
        _("Classes (%)"),
        _("Planned trainees"),
        _("Trainees"),
        _("Trainees (%)"),
        _("Budget estimate (VND)"),
        _("Actual spending (VND)"),
        _("Spending (%)"),
    ]


PLAN_WIDTHS = [10, 10, 9, 11, 11, 9, 16, 16, 9]


def _done_text(done, planned, percent) -> str:
    """'1/38 (2,6%)': done against planned, for the Word document's narrow columns."""
    text = f"{vn_number(done)}/{vn_number(planned)}"
    return f"{text} ({vn_number(percent)}%)" if percent is not None else text


def _plan_written(f: Figures) -> list[str]:
    return [
        _done_text(f.classes, f.planned_classes, f.classes_percent),
        _done_text(f.trainees, f.planned_trainees, f.trainees_percent),
        _done_text(_money(f.spending), _money(f.budget), f.spending_percent),
    ]


def _plan_written_heads() -> list[str]:
    return [_("Classes held / planned"), _("Trainees / planned"), _("Spending / budget (VND)")]


def _plan_tables(
    caption: str,
    sheet: str,
    labels: list[str],
    label_widths: list[int],
    rows: list[tuple[list, Figures]],
) -> list[Table]:
    """The figures as numbers in the workbook (planned, done and percentage in columns of
    their own), as 'done/planned (percentage)' in the Word document (A4 upright)."""
    return [
        Table(
            caption,
            sheet,
            [*labels, *_plan_heads()],
            [[*values, *_plan_figures(f)] for values, f in rows],
            widths=[*label_widths, *PLAN_WIDTHS],
            in_docx=False,
        ),
        Table(
            caption,
            "",
            [*labels[-2:], *_plan_written_heads()],
            [[*values[-2:], *_plan_written(f)] for values, f in rows],
            widths=[30, 16, 18, 20, 34],
            in_xlsx=False,
        ),
    ]


def _total(figures: list[Figures]) -> Figures:
    total = Figures()
    for f in figures:
        for name in (
            "planned_classes",
            "planned_trainees",
            "budget",
            "classes",
            "trainees",
            "spending",
        ):
            setattr(total, name, getattr(total, name) + getattr(f, name))
    return total


def _plan_summary(unit_name: str, year: int, total: Figures) -> str:
    return _(
        "The %(year)s plan of %(unit)s (its own plan and the plans sent up by the units "
        "below) has %(classes)s classes for %(trainees)s trainees with a budget of "
        "%(budget)s VND. Held so far: %(held)s classes for %(trained)s trainees, at a "
        "cost of %(spent)s VND."
    ) % {
        "year": year,
        "unit": unit_name,
        "classes": vn_number(total.planned_classes),
        "trainees": vn_number(total.planned_trainees),
        "budget": vn_number(_money(total.budget)),
        "held": vn_number(total.classes),
        "trained": vn_number(total.trainees),
        "spent": vn_number(_money(total.spending)),
    }


SPENDING_IN_DOCX = 300  # beyond this the units' spending goes in the workbook only


def _spending_section(unit: Unit, node: UnitVersion, year: int, day: dt.date) -> Section:
    """IV. Each unit's training spending of the year and its share of operating spending,
    against the spending-share target when one is in force."""
    measure = selectors.spending_measure(node, day) if day.year == year else None
    goal = measure.goal if measure else None
    paragraphs = [
        _(
            "Training spending is the actual cost, paid from union funds, of the classes "
            "the unit organised that started in the year plus the other training costs "
            "entered; classes paid by the state budget or an international project are "
            "shown beside it and do not count toward the share."
        )
    ]
    if measure is not None:
        own = (
            _figure_text(measure.value, True)
            if measure.value is not None
            else _("no spending entered")
        )
        paragraphs.append(
            _(
                "%(code)s: training spending reaches %(goal)s of operating spending at every "
                "level. %(unit)s: %(own)s; %(reaching)s of the %(reporting)s units of its subtree "
                "that entered their spending reach it."
            )
            % {
                "code": measure.target.code,
                "goal": _goal_text(measure),
                "unit": node.name,
                "own": own,
                "reaching": vn_number(measure.reaching or 0),
                "reporting": vn_number(measure.reporting),
            }
        )
    rows = selectors.spending_rows(node, year, day)
    count = rows.count()
    heads = [
        _("Unit code"),
        _("Unit"),
        _("Total operating spending (VND)"),
        _("Classes' actual costs from union funds (VND)"),
        _("Other training costs (VND)"),
        _("Training spending (VND)"),
        _("Share (%)"),
        _("Classes paid from other sources (VND, not counted)"),
    ]
    if goal is not None:
        heads.append(_("Result"))

    def values(written: bool):
        """Rows of the workbook (the share a number) or of the Word document (no unit code;
        the share with its two decimals: 14,99 never reads 15,0)."""
        for row in rows.iterator(chunk_size=2000):
            share = selectors.spending_share(row)
            out = [
                row.unit.name,
                _money(row.operating_total),
                _money(row.class_costs),
                _money(row.other_training),
                _money(row.training),
                _figure_text(share, True).removesuffix("%") if written else share,
                _money(row.other_sources),
            ]
            if goal is not None:
                out.append(_("Achieved") if share >= goal else _("Not achieved"))
            yield out if written else [row.unit.code, *out]

    caption, widths = _("Training spending by unit"), [14, 36, 16, 16, 16, 16, 10, 16, 14]
    tables = [
        Table(
            caption, _("Spending"), heads, values(False), in_docx=False, widths=widths[: len(heads)]
        ),
        Table(
            caption,
            "",
            heads[1:],
            values(True),
            in_xlsx=False,
            in_docx=count <= SPENDING_IN_DOCX,
            omitted_note=_(
                "The spending of the %(count)s units is in the XLSX version of this report."
            )
            % {"count": vn_number(count)},
            widths=[22, 16, 15, 15, 15, 9, 15, 13][: len(heads) - 1],
        ),
    ]
    if not count:
        paragraphs.append(
            _("No unit of the subtree has entered its spending for %(year)s.") % {"year": year}
        )
    return Section(_("IV. TRAINING SPENDING"), paragraphs, tables if count else [])


def plan_content(unit: Unit, year: int, step: Step) -> Content:
    """Report 5: the consolidated plan of the year against what was delivered, each unit's
    plan, the units below that have not sent theirs up, and the training spending."""
    day = min(dt.date(year, 12, 31), today())
    node = _node(unit, day)
    rows = planning_selectors.consolidated(unit, year)
    total = _total([r["figures"] for r in rows])
    step()
    plans = planning_selectors.plans_under(unit, year)
    missing, due_on = selectors.not_submitted_with_status(unit, year)
    step()
    by_topic = [
        ([str(r["topic"] or r["programme"]), r["target_group"]], r["figures"]) for r in rows
    ]
    if by_topic:
        by_topic.append(([_("Total"), ""], total))
    by_unit = [([p.unit.code, p.unit.name, p.get_status_display()], f) for p, f in plans]
    note = _(
        "Actual figures come from the classes linked to the plan's lines once they have "
        "run: their accepted trainees and their actual costs."
    )
    sections = [
        Section(
            _("I. THE CONSOLIDATED PLAN AND ITS IMPLEMENTATION"),
            [
                _plan_summary(node.name, year, total)
                if rows
                else _("Nothing is planned for %(year)s in %(unit)s.")
                % {"year": year, "unit": node.name},
                note,
            ],
            _plan_tables(
                _("By topic and target group"),
                _("Consolidated plan"),
                [_("Topic or programme"), _("Target group")],
                [34, 20],
                by_topic,
            ),
        ),
        Section(
            _("II. PLANS OF THE UNITS"),
            []
            if plans
            else [_("No unit of the subtree has a plan for %(year)s.") % {"year": year}],
            _plan_tables(
                _("Plans by unit"),
                _("By unit"),
                [_("Unit code"), _("Unit"), _("Status")],
                [12, 34, 14],
                by_unit,
            ),
        ),
    ]
    paragraphs = (
        [_("Plans are due by %(day)s.") % {"day": due_on.strftime("%d/%m/%Y")}] if due_on else []
    )
    if missing:
        sections.append(
            Section(
                _("III. UNITS THAT HAVE NOT SUBMITTED THEIR PLAN"),
                paragraphs,
                [
                    Table(
                        _("Not yet submitted"),
                        _("Not submitted"),
                        [_("Unit code"), _("Unit"), _("Plan status")],
                        [[u.code, u.name, status or _("No plan")] for u, status in missing],
                        widths=[14, 50, 20],
                    )
                ],
            )
        )
    else:
        sections.append(
            Section(
                _("III. UNITS THAT HAVE NOT SUBMITTED THEIR PLAN"),
                [*paragraphs, _("Every unit directly below has submitted its plan.")],
            )
        )
    sections.append(_spending_section(unit, node, year, day))
    step()
    return _frame(
        "plan",
        node,
        day,
        _("Implementation of the training plan of %(year)s") % {"year": year},
        _("Year %(year)s") % {"year": year},
        sections,
        f"ke-hoach-thuc-hien-{year}",
    )
