"""The funds app's tables, one module per subject."""

from .ledger import Entry, Fund, Purpose, Source
from .mutual import Contribution, Installment, Loan, Membership, MutualFund, Repayment
from .projects import Beneficiary, Project, ProjectEvent, ProjectKind
from .supervision import Flag, SupervisionChange, SupervisionRule

__all__ = ["Beneficiary", "Contribution", "Entry", "Flag", "Fund", "Installment", "Loan", "Membership",
           "MutualFund", "Project", "ProjectEvent", "ProjectKind", "Purpose", "Repayment", "Source",
           "SupervisionChange", "SupervisionRule"]
