"""What is audited, and where each entry belongs.

Every model the issue lists (units, people, positions, classes, enrolments, records, plans and
their lines, targets — a unit's adopted copy is a Target too — and evaluations), plus what
changes the figures and obligations just as much: a unit's member counts and terms, pool
entries, spending, the enterprise register, and user accounts (role, unit, active: who may do
what). Left out of each: derived keys (search and sort keys, tree paths), the system's own
timestamps of an action the entry already dates, secrets (password hashes, a certificate's
verification code).

Personal data (Decree 13/2023/NĐ-CP) is kept masked in the log, as the pages show it: the
log says that and when a citizen ID or a phone number changed and what it roughly was, without
becoming a second copy of it."""

from collections.abc import Callable
from dataclasses import dataclass, field

from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from privacy.masking import mask_citizen_id, mask_email, mask_phone, mask_text

ALWAYS_EXCLUDED = ("id",)


@dataclass(frozen=True)
class Spec:
    """How one model is audited. `subject` names the field holding the owner whose history
    page shows the entry (empty: the object itself); `unit` returns the id of the unit whose
    data it is; `person` the id of a person whose page shows it too; `label` a readable name
    for the entry (the model's str by default, which for some would cost queries or say
    nothing)."""

    exclude: tuple[str, ...] = ()
    m2m: tuple[str, ...] = ()
    subject: str = ""
    unit: Callable | None = None
    person: Callable | None = None
    label: Callable | None = None
    masks: dict = field(default_factory=dict)
    include: tuple[str, ...] = ()


def _attr(*names: str) -> Callable:
    """Follow attributes (`person`, `unit_id`), None if a link is missing or gone."""

    def read(obj):
        for name in names:
            try:
                obj = getattr(obj, name)
            except ObjectDoesNotExist:
                return None
            if obj is None:
                return None
        return obj

    return read


def _name_and(*names: str, person: str = "person") -> Callable:
    """'Nguyễn Văn An — ML-2024-01': the person's name and a field of the object."""

    def label(obj) -> str:
        who = _attr(person)(obj)
        parts = [who.full_name if who is not None else ""]
        parts += [str(_attr(*name.split("."))(obj) or "") for name in names]
        return " — ".join(p for p in parts if p)

    return label


def _personal_masks() -> dict:
    return {
        "citizen_id": mask_citizen_id,
        "phone": mask_phone,
        "email": mask_email,
        "address": mask_text,
    }


def specs() -> dict[str, Spec]:
    masks = _personal_masks()
    return {
        "units.Unit": Spec(exclude=("path", "depth", "search_name"), unit=_attr("pk")),
        "units.UnitFigures": Spec(
            subject="unit", unit=_attr("unit_id"), label=lambda o: f"{o.effective_on:%d/%m/%Y}"
        ),
        "units.Term": Spec(subject="unit", unit=_attr("unit_id")),
        "people.Person": Spec(
            exclude=("search_name", "sort_key"), unit=_attr("unit_id"), masks=masks
        ),
        "people.Position": Spec(
            subject="person",
            unit=_attr("person", "unit_id"),
            label=_name_and("role.name", "unit.name"),
        ),
        "training.TrainingClass": Spec(
            m2m=("topics", "co_organisers", "partners", "invited_units"), unit=_attr("organiser_id")
        ),
        "training.Enrolment": Spec(
            exclude=("nominated_at", "decided_at"),
            subject="training_class",
            unit=_attr("training_class", "organiser_id"),
            person=_attr("person_id"),
            label=_name_and("training_class.code"),
        ),
        "training.TrainingRecord": Spec(
            exclude=("enrolment", "certificate_year", "verification_code"),
            m2m=("topics",),
            subject="person",
            unit=_attr("person", "unit_id"),
            label=_name_and("title"),
        ),
        "planning.Plan": Spec(
            exclude=("created_at", "submitted_at", "decided_at"), unit=_attr("unit_id")
        ),
        "planning.PlanLine": Spec(subject="plan", unit=_attr("plan", "unit_id")),
        "planning.Spending": Spec(
            subject="unit", unit=_attr("unit_id"), label=lambda o: str(o.year)
        ),
        # The enterprise register moves the coverage figure (004, T-004-5) as member counts
        # move theirs: each change shows on its area union's history.
        "planning.Employer": Spec(exclude=("updated_on",), subject="area", unit=_attr("area_id")),
        "targets.Target": Spec(
            exclude=("builtin",),
            m2m=("roles", "levels", "unit_kinds", "topics", "programmes"),
            unit=_attr("scope_unit_id"),
        ),
        # A goal given down shows on the target's history, under the unit it was given to.
        "targets.GoalAllocation": Spec(
            exclude=("updated_at",), subject="target", unit=_attr("unit_id")
        ),
        # A title standard is the union's rule for everyone: no unit owns it.
        "standards.TitleStandard": Spec(m2m=("topics",)),
        "cadrework.Evaluation": Spec(
            exclude=("created_at",), unit=_attr("unit_id"), label=_name_and("year")
        ),
        "cadrework.PoolEntry": Spec(
            subject="person", unit=_attr("person", "unit_id"), label=_name_and()
        ),
        "accounts.User": Spec(
            include=(
                "username",
                "first_name",
                "last_name",
                "email",
                "unit",
                "role",
                "person",
                "is_active",
                "is_superuser",
            ),
            unit=_attr("unit_id"),
            masks={"email": masks["email"]},
        ),
    }


_SPECS: dict[type, Spec] = {}


def register() -> None:
    """Called once from AuditConfig.ready()."""
    for label, spec in specs().items():
        model = apps.get_model(label)
        _SPECS[model] = spec
        auditlog.register(model, include_fields=tracked_fields(model), m2m_fields=set(spec.m2m))


def tracked_fields(model: type) -> list[str]:
    """The model's own columns that are logged (named explicitly: given only exclusions,
    auditlog would list the reverse relations too in an entry of a new row)."""
    spec = _SPECS[model]
    excluded = {*ALWAYS_EXCLUDED, *spec.exclude}
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in excluded and (not spec.include or f.name in spec.include)
    ]


def spec_of(model: type) -> Spec | None:
    return _SPECS.get(model)


def audited_models() -> list[type]:
    return list(_SPECS)


def subject_model(model: type) -> type:
    """The model of the object on whose history page `model`'s entries appear."""
    spec = _SPECS[model]
    return model._meta.get_field(spec.subject).related_model if spec.subject else model


def placement(instance: models.Model) -> dict:
    """The subject, person, unit and readable name of an entry about `instance`."""
    spec = _SPECS.get(type(instance))
    if spec is None:
        return {}
    owner = type(instance)._meta.get_field(spec.subject).attname if spec.subject else "pk"
    out = {
        "subject_type": ContentType.objects.get_for_model(subject_model(type(instance))),
        "subject_id": getattr(instance, owner),
        "unit_id": spec.unit(instance) if spec.unit else None,
        "person_id": spec.person(instance) if spec.person else None,
    }
    if spec.label is not None:
        try:
            out["object_repr"] = spec.label(instance)[:1000]
        except ObjectDoesNotExist:
            pass
    return out


def masked(model: type, changes: dict) -> dict:
    """The changes with personal data masked (values as auditlog stores them: strings, and
    "None" for nothing)."""
    spec = _SPECS.get(model)
    if spec is None or not spec.masks:
        return changes
    out = dict(changes)
    for name, mask in spec.masks.items():
        if name in out:
            out[name] = [v if v in ("None", None, "") else mask(v) for v in out[name]]
    return out
