from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Change(models.Model):
    """The trail of records that belong to an area rather than a household (work teams, pairings,
    commitments, deliveries, helper accounts): household records go to the registry's audit trail."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        CLOSE = "close", _("closed")

    entity = models.CharField(_("record"), max_length=20)
    entity_id = models.BigIntegerField()
    area_code = models.CharField(_("area"), max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"))
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    field = models.CharField(_("field"), max_length=40, blank=True)
    old = models.TextField(_("old value"), blank=True)
    new = models.TextField(_("new value"), blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [models.Index(fields=["entity", "entity_id"])]

    def __str__(self) -> str:
        return f"{self.entity} {self.entity_id} {self.action} {self.field}"
