"""The access log of personal data (Decree 13/2023/NĐ-CP): every full view of a person's
masked data and every export of people's personal data, with who, what and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Person
from units.models import Unit


class Action(models.TextChoices):
    VIEW_FULL = "view_full", _("Full view")
    EXPORT = "export", _("Export")
    OWN_EXPORT = "own_export", _("Export of one's own data")


class Source(models.TextChoices):
    """Which page, form, API route or export the access went through."""

    PERSON_PAGE = "person_page", _("Person's page")
    PERSON_EDIT = "person_edit", _("Person's edit form")
    API_PERSON = "api_person", _("API: a person")
    PEOPLE_LIST = "people_list", _("People list")
    CLASS_PARTICIPANTS = "class_participants", _("Participants of a class")
    CHAIRS = "chairs", _("Chairs to train")
    LECTURERS = "lecturers", _("Lecturers")
    NEEDS_LIST = "needs_list", _("Training-needs list")
    TARGETS_DASHBOARD = "targets_dashboard", _("Targets dashboard (post-holders)")
    EVALUATIONS = "evaluations", _("Evaluations")
    RETENTION_PEOPLE = "retention_people", _("Retention after training: the people")
    COURSE_PROGRESS = "course_progress", _("Online course: learners' progress")
    REPORT = "report", _("Report")
    OWN_DATA = "own_data", _("My personal data")


class PersonalDataAccess(models.Model):
    """One access. `person` for a full view or one's own export; `unit` is the unit whose
    data it was (the person's home unit, or the unit an export covers), which decides which
    administrators see the entry. Names are copied so the entry reads the same after the
    account or the person is gone."""

    SCOPE_UNIT_FIELDS = ("unit", "person__unit")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user"), max_length=150)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    source = models.CharField(_("through"), max_length=24, choices=Source.choices)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    person_name = models.CharField(_("person"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    count = models.PositiveIntegerField(_("rows of people"), null=True, blank=True)
    remote_addr = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        indexes = [
            models.Index(fields=["person", "at"], name="pdaccess_person_at"),
            models.Index(fields=["user", "at"], name="pdaccess_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.get_action_display()}"
