"""The assistance app's tables, one module per subject."""

from .catalogue import Batch, CatalogueChange, Condition, Measure, MeasureRule
from .changes import Change
from .pairing import Commitment, Delivery, Indicator, Pairing, Partner, PartnerAccount
from .plans import HelperAssignment, Plan, PlannedMeasure, Visit
from .teams import TeamMember, WorkTeam

__all__ = ["Batch", "CatalogueChange", "Change", "Commitment", "Condition", "Delivery", "HelperAssignment",
           "Indicator", "Measure", "MeasureRule", "Pairing", "Partner", "PartnerAccount", "Plan",
           "PlannedMeasure", "TeamMember", "Visit", "WorkTeam"]
