"""A flag's evidence in words and figures, in the reader's language."""

import datetime
from decimal import Decimal

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from . import supervision_rules as rules
from .models import Project, Purpose


def _yuan(text: str) -> str:
    return f"{Decimal(text):,.2f}"


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def joined(items) -> str:
    """Items listed with the reader's comma."""
    comma = ", " if (get_language() or "").startswith("en") else "、"
    return comma.join(str(item) for item in items)


def _purposes(codes) -> str:
    return joined(_label(Purpose, c) for c in codes)


def named_ids(evidence: dict) -> tuple[set[int], set[int]]:
    """The funds and projects the evidence names by id (beyond the flag's own), to look up their names."""
    rows = [*evidence.get("funds", []), *evidence.get("entries", [])]
    return ({r["fund"] for r in rows if r.get("fund")}, {r["project"] for r in rows if r.get("project")})


def days_idle(evidence: dict, checked: datetime.date | None) -> int | None:
    """Days the idle money had waited on `checked`, the day of the scan that found these figures."""
    if "since" not in evidence or checked is None:
        return None
    return (checked - datetime.date.fromisoformat(evidence["since"])).days


def describe(rule: str, evidence: dict, checked: datetime.date | None = None) -> str:
    """One sentence saying what was found, with its figures; `checked` is the flag's checked_on."""
    e = evidence
    if rule == rules.OVER_BUDGET:
        return _("Allocated %(allocated)s yuan from all funds against a budget of %(budget)s yuan: "
                 "%(over)s yuan over the budget.") % {
            "allocated": _yuan(e["allocated"]), "budget": _yuan(e["budget"]), "over": _yuan(e["over"])}
    if rule == rules.NO_BENEFICIARIES:
        return _("%(spent)s yuan spent and the project is %(state)s, but no beneficiary household is listed "
                 "or paid.") % {"spent": _yuan(e["spent"]), "state": _label(Project.State, e["state"])}
    if rule == rules.IDLE_MONEY:
        values = {"idle": _yuan(e["idle"]), "since": e["since"], "days": days_idle(e, checked) or 0,
                  "checked": checked.isoformat() if checked else ""}
        if e.get("stage") == "unspent":
            return _("%(idle)s yuan allocated to the project from this fund has lain unspent since "
                     "%(since)s: %(days)d days at the check of %(checked)s.") % values
        return _("%(idle)s yuan received into the fund has lain unallocated since %(since)s: %(days)d days "
                 "at the check of %(checked)s.") % values
    if rule == rules.DUPLICATE_SUBSIDY:
        payments = "; ".join(_("%(on)s: %(amount)s yuan") % {"on": p["on"], "amount": _yuan(p["amount"])}
                             for p in e["entries"])
        return _("Subsidy %(code)s paid to the household %(n)d times within %(years)s years: "
                 "%(payments)s.") % {
            "code": e["subsidy"], "n": len(e["entries"]), "years": e.get("_years", "?"), "payments": payments}
    if rule == rules.OUTSIDE_PURPOSE:
        return _("%(amount)s yuan allocated from a fund for %(purposes)s to a project for %(purpose)s.") % {
            "amount": _yuan(e["allocated"]), "purposes": _purposes(e["purposes"]),
            "purpose": _label(Purpose, e["purpose"])}
    return ""


def _figures(rule: str, evidence: dict, names: dict, checked: datetime.date | None) -> list:
    e = evidence
    if rule == rules.OVER_BUDGET:
        return [(_("project budget (yuan)"), _yuan(e["budget"])),
                (_("allocated from all funds (yuan)"), _yuan(e["allocated"])),
                (_("over the budget (yuan)"), _yuan(e["over"])),
                (_("allowed up to (yuan)"), _yuan(e["_limit"])) if "_limit" in e else None,
                *((_("from the fund %(fund)s (yuan)") % {"fund": names.get(("fund", f["fund"]), f["fund"])},
                   _yuan(f["amount"]))
                  for f in e.get("funds", []))]
    if rule == rules.NO_BENEFICIARIES:
        return [(_("spent on the project (yuan)"), _yuan(e["spent"])),
                (pgettext("project", "state when checked"), _label(Project.State, e["state"]))]
    if rule == rules.IDLE_MONEY:
        return [(_("idle money (yuan)"), _yuan(e["idle"])), (_("idle since"), e["since"]),
                (_("days idle at the check"), str(days_idle(e, checked) or "")),
                (_("held in all (yuan)"), _yuan(e["_held"])) if "_held" in e else None,
                (_("days allowed"), str(e["_days"])) if "_days" in e else None]
    if rule == rules.DUPLICATE_SUBSIDY:
        return [(_("subsidy code"), e["subsidy"]), *(
            (_("paid on %(on)s by the project %(project)s (yuan)") % {
                "on": p["on"], "project": names.get(("project", p["project"]), p["project"])},
             _yuan(p["amount"])) for p in e["entries"])]
    if rule == rules.OUTSIDE_PURPOSE:
        return [(_("the fund's purposes"), _purposes(e["purposes"])),
                (_("the project's purpose"), _label(Purpose, e["purpose"])),
                (_("allocated (yuan)"), _yuan(e["allocated"]))]
    return []


def figures(rule: str, evidence: dict, names: dict | None = None,
            checked: datetime.date | None = None) -> list[tuple[str, str]]:
    """The evidence's figures as (label, value) rows; `names` maps ("fund" or "project", id) to a name,
    `checked` is the flag's checked_on."""
    return [row for row in _figures(rule, evidence, names or {}, checked) if row is not None]
