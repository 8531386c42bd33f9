"""Resident work teams (驻村工作队) and first secretaries (第一书记) of villages, with their terms."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingzhun.areas.models import Area


class WorkTeam(models.Model):
    village = models.ForeignKey(Area, models.PROTECT, related_name="work_teams", verbose_name=_("village"))
    sending_unit = models.CharField(_("sending unit"), max_length=120)
    started_on = models.DateField(_("started"))
    term_ends_on = models.DateField(_("term ends"))
    ended_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["village_id", "-started_on", "-id"]
        verbose_name = _("resident work team")
        verbose_name_plural = _("resident work teams")

    def __str__(self) -> str:
        return f"{self.village_id} {self.sending_unit} {self.started_on}"


class TeamMember(models.Model):
    class Position(models.TextChoices):
        FIRST_SECRETARY = "first_secretary", _("first secretary")
        LEADER = "leader", _("team leader")
        MEMBER = "member", _("team member")

    team = models.ForeignKey(WorkTeam, models.PROTECT, related_name="members", verbose_name=_("work team"))
    name = models.CharField(_("name"), max_length=40)
    unit = models.CharField(_("work unit"), max_length=120)
    position = models.CharField(_("position"), max_length=16, choices=Position.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    started_on = models.DateField(_("joined the team on"))
    ended_on = models.DateField(_("left the team on"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                             related_name="team_memberships", verbose_name=_("user account"))

    class Meta:
        ordering = ["team_id", "position", "started_on", "id"]
        verbose_name = _("work team member")
        verbose_name_plural = _("work team members")

    def __str__(self) -> str:
        return f"{self.name} ({self.position})"
