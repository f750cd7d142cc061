"""The yearly implementation report that goes up and comes back (001 §IV: "các quận, huyện,
ngành … báo cáo kết quả thực hiện hằng năm về Liên đoàn Lao động Thành phố"): a unit files its
report on a resolution — the figures of its targets and its cadre work of the year, kept as
filed — the unit directly above accepts it or returns it with a comment, and sees which of
its units have not filed, as with the plans."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import (
    Data,
    acts_for,
    check_may_write,
    directly_above,
    is_system,
    recorded_user,
)
from cadrework.models import Appointment, Evaluation, Inspection, PoolReview
from lib.dates import today
from lib.periods import started_in_year
from lib.tree import under
from reports import selectors
from reports.models import FilingStatus, ImplementationReport
from targets.models import SourceDocument
from units.models import Unit, UnitVersion
from units.selectors import children_on, version_on


def report_day(year: int) -> dt.date:
    """The figures of a year are those of its last day, or of today for the current year."""
    return min(dt.date(year, 12, 31), today())


def cadre_work(unit: Unit, year: int) -> dict[str, int]:
    """The unit's subtree's cadre work of the year (001 §III): evaluations done, succession
    pools reviewed, inspections of cadre work held, and the posts filled, of which from the
    succession pool."""
    appointments = Appointment.objects.filter(
        under(unit, "position__unit"), started_in_year(year, prefix="position__")
    )
    return {
        "evaluations": Evaluation.objects.filter(under(unit, "unit"), year=year).count(),
        "pool_reviews": PoolReview.objects.filter(under(unit, "pool__unit"), year=year).count(),
        "inspections": Inspection.objects.filter(
            under(unit, "inspected"), started_in_year(year, start="held_on")
        ).count(),
        "appointments": appointments.count(),
        "appointments_from_pool": appointments.filter(in_pool=True).count(),
    }


def figures_of(node: UnitVersion, year: int, document: SourceDocument) -> dict:
    """What a filed report holds: each target of the document for the unit's subtree on the
    year's last day (the dashboard's and report 2's figures), and its cadre work."""
    day = report_day(year)
    snapshot = selectors.snapshot_ready(day)
    if snapshot is None:
        raise ValidationError(
            _("The figures of the targets are still being computed; try again in a few minutes.")
        )
    report = selectors.target_report(node, day, snapshot, document)
    return {
        "as_of": day.isoformat(),
        "targets": [
            {
                "code": r.target.code,
                "name": r.target.name,
                "eligible": r.eligible,
                "met": r.met,
                "percent": None if r.percent is None else str(r.percent),
            }
            for r in report.results
        ],
        "unit_targets": [
            {
                "code": m.target.code,
                "name": m.target.name,
                "value": None if m.value is None else str(m.value),
                "goal": None if m.goal is None else str(m.goal),
                "achieved": m.achieved,
            }
            for m in report.measures
        ],
        "cadre_work": cadre_work(node.unit, year),
    }


@transaction.atomic
def report_file(
    *, user, unit: Unit, year: int, document: SourceDocument, note: str = ""
) -> ImplementationReport:
    """File (or file again, once returned) the unit's report; the top of the tree has no unit
    above, so its report is accepted as filed."""
    check_may_write(user, unit, Data.REPORTS, "unit")
    if not acts_for(user, unit):
        raise ValidationError(
            {"unit": _("Only %(unit)s files its own report.") % {"unit": unit.name}}
        )
    if year > today().year:
        raise ValidationError({"year": _("The year cannot be in the future.")})
    node = version_on(unit, report_day(year))
    if node is None:
        raise ValidationError({"unit": _("This unit did not exist in that year.")})
    filed = (
        ImplementationReport.objects.select_for_update()
        .filter(unit=unit, year=year, document=document)
        .first()
    )
    if filed is not None and filed.status != FilingStatus.RETURNED:
        raise ValidationError(
            _("This report has been filed already; it can be filed again once returned.")
        )
    filed = filed or ImplementationReport(unit=unit, year=year, document=document)
    filed.figures = figures_of(node, year, document)
    filed.note = note.strip()
    filed.filed_by, filed.filed_at = recorded_user(user), timezone.now()
    top = unit.parent_id is None
    filed.status = FilingStatus.ACCEPTED if top else FilingStatus.SUBMITTED
    filed.decided_by, filed.decided_at = (filed.filed_by, filed.filed_at) if top else (None, None)
    filed.comment = ""
    filed.full_clean()
    filed.save()
    return filed


def _check_above(user, filed: ImplementationReport) -> None:
    if is_system(user):
        return
    check_may_write(user, filed.unit, Data.REPORTS, "unit")
    if not directly_above(user, filed.unit):
        raise ValidationError(
            _("Only %(unit)s, the unit directly above, accepts or returns this report.")
            % {"unit": filed.unit.parent.name}
        )
    if filed.status != FilingStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report is accepted or returned."))


@transaction.atomic
def report_return(*, user, filed: ImplementationReport, comment: str) -> ImplementationReport:
    _check_above(user, filed)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what must be changed.")})
    filed.status, filed.comment = FilingStatus.RETURNED, comment.strip()
    filed.decided_by, filed.decided_at = recorded_user(user), timezone.now()
    filed.save()
    return filed


@transaction.atomic
def report_accept(*, user, filed: ImplementationReport) -> ImplementationReport:
    _check_above(user, filed)
    filed.status = FilingStatus.ACCEPTED
    filed.decided_by, filed.decided_at = recorded_user(user), timezone.now()
    filed.save()
    return filed


def filings_below(unit: Unit, year: int, document: SourceDocument) -> list[dict]:
    """Each unit directly below (today): its filed report, or None — who has not filed."""
    children = children_on(unit.pk, today()).select_related("unit").order_by("unit__code")
    filed = {
        r.unit_id: r
        for r in ImplementationReport.objects.filter(
            year=year, document=document, unit__in=[c.unit_id for c in children]
        )
    }
    return [{"version": c, "unit": c.unit, "report": filed.get(c.unit_id)} for c in children]
