from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdType(models.TextChoices):
    GENERAL = "general", _("general poor household")
    SUBSISTENCE = "subsistence", _("subsistence allowance (dibao) household")
    EXTREME = "extreme", _("extreme-poverty support (tekun) household")


class HouseholdStatus(models.TextChoices):
    APPLICANT = "applicant", _("applicant")
    POOR = "poor", _("registered poor")
    EXITED = "exited", _("exited poverty")
    RETURNED = "returned", _("returned to poverty")
    CLOSED = "closed", _("closed")
    # Never registered poor, recorded to be monitored (a marginal household at risk).
    NON_POOR = "non_poor", _("not registered poor")


class Relation(models.TextChoices):
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    SON = "son", _("son")
    DAUGHTER = "daughter", _("daughter")
    DAUGHTER_IN_LAW = "daughter_in_law", _("daughter-in-law")
    SON_IN_LAW = "son_in_law", _("son-in-law")
    GRANDCHILD = "grandchild", _("grandchild")
    PARENT = "parent", _("parent")
    GRANDPARENT = "grandparent", _("grandparent")
    SIBLING = "sibling", _("brother or sister")
    OTHER = "other", _("other relative")


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Ethnicity(models.TextChoices):
    HAN = "han", _("Han")
    HUI = "hui", _("Hui")
    OTHER = "other", _("other")


class Education(models.TextChoices):
    NONE = "none", _("illiterate or semi-literate")
    PRESCHOOL = "preschool", _("preschool")
    PRIMARY = "primary", _("primary school")
    JUNIOR = "junior", _("junior secondary")
    SENIOR = "senior", _("senior secondary")
    VOCATIONAL = "vocational", _("vocational school")
    COLLEGE = "college", _("college or above")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("healthy")
    CHRONIC = "chronic", _("chronic illness")
    SERIOUS = "serious", _("serious illness")
    DISABLED = "disabled", _("disabled")


class Labour(models.TextChoices):
    SKILLED = "skilled", _("skilled labour")
    ORDINARY = "ordinary", _("ordinary labour")
    WEAK = "weak", _("weak or partial labour")
    LOST = "lost", _("lost labour capacity")
    NONE = "none", _("no labour (child, student or elderly)")


class LeftReason(models.TextChoices):
    DIED = "died", _("died")
    MARRIED_OUT = "married_out", _("married out")
    MOVED = "moved", _("moved household registration")
    ERROR = "error", _("registered in error")
    OTHER = "other", _("other")
