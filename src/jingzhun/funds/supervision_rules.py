"""The five supervision rules as pure functions over plain facts: each takes the facts of an area and the
rule's parameters and returns its findings, each with the figures that show it. No database here but
at the end: the shipped rows of the rules table are read from data/supervision_rules.csv by `load_rules`
(the data migration 0002) and `ensure_rules` (tests, after a flush).

Money recovered from a project back into its fund counts against the project's allocations (a recovery
brings an over-budget project back within its budget) and, for idle money, leaves the project as spending
does and joins the fund's money as a receipt does, from the recovery's day.

Reversals are netted by leaving out both the reversed entry and its reversal: a reversal always undoes the
whole of one entry, so this is the same as summing with signs, and for dated measures (idle money) it
treats a mistaken entry as never written."""

import csv
import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .ledger_rules import ALLOCATION, RECEIPT, RECOVERY, SPENDING

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
DATA = Path(__file__).resolve().parent / "data" / "supervision_rules.csv"
OVER_BUDGET, NO_BENEFICIARIES, IDLE_MONEY = "over_budget", "no_beneficiaries", "idle_money"
DUPLICATE_SUBSIDY, OUTSIDE_PURPOSE = "duplicate_subsidy", "outside_purpose"
DONE_STATES = ("completed", "accepted")


@dataclass(frozen=True)
class FundFacts:
    id: int
    area: str
    purposes: tuple[str, ...] = ()  # empty: any purpose


@dataclass(frozen=True)
class ProjectFacts:
    id: int
    area: str
    kind: str
    purpose: str
    state: str
    budget: Decimal
    beneficiaries: int = 0  # households listed as beneficiaries


@dataclass(frozen=True)
class EntryFacts:
    id: int
    kind: str
    fund: int
    amount: Decimal
    on: datetime.date
    project: int | None = None
    household: int | None = None
    village: str = ""  # the household's village
    subsidy: str = ""
    reverses: int | None = None


@dataclass(frozen=True)
class Facts:
    """What a scan of the area `prefix` knows on `today`. Funds and projects outside the prefix may be
    present (a county fund paying a township's project) but only subjects inside it are judged, because
    only for them are all entries at hand."""

    prefix: str
    today: datetime.date
    funds: dict[int, FundFacts] = field(default_factory=dict)
    projects: dict[int, ProjectFacts] = field(default_factory=dict)
    entries: tuple[EntryFacts, ...] = ()

    def inside(self, code: str) -> bool:
        return code.startswith(self.prefix)

    def standing(self) -> list[EntryFacts]:
        """Entries neither reversed nor reversals, in date order."""
        reversed_ids = {e.reverses for e in self.entries if e.reverses is not None}
        kept = [e for e in self.entries if e.reverses is None and e.id not in reversed_ids]
        return sorted(kept, key=lambda e: (e.on, e.id))


@dataclass(frozen=True)
class Finding:
    """One anomaly on one subject. `evidence` holds JSON-ready figures (money as "1234.50", dates as
    ISO text); keys starting with "_" are context (the rule's thresholds) rather than the finding itself,
    so a changed parameter alone does not make a settled finding new."""

    rule: str
    subject: str
    area: str
    evidence: dict
    fund: int | None = None
    project: int | None = None
    household: int | None = None


def money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


def same_finding(old: dict, new: dict) -> bool:
    """Whether two evidences show the same finding (context keys left aside)."""
    def core(evidence):
        return {k: v for k, v in evidence.items() if not k.startswith("_")}
    return core(old) == core(new)


# --- parameters ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "share" (a Decimal from 0 to 1), "count" (a whole number) or "kinds" (project kinds)
    default: object
    low: int = 0
    high: int = 0


PARAMS: dict[str, tuple[Param, ...]] = {
    OVER_BUDGET: (Param("tolerance", "share", Decimal("0")),),
    NO_BENEFICIARIES: (Param("exempt_kinds", "kinds", ()),),
    IDLE_MONEY: (Param("days", "count", 180, 1, 3650),),
    DUPLICATE_SUBSIDY: (Param("years", "count", 3, 1, 20),),
    OUTSIDE_PURPOSE: (),
}


class BadParam(ValueError):
    """A parameter value the rule cannot use; `reason` is "share", "count" or "kinds"."""

    def __init__(self, name: str, reason: str, param: Param):
        super().__init__(name)
        self.name, self.reason, self.param = name, reason, param


def _clean(param: Param, value, kinds: Iterable[str] | None):
    if param.kind == "share":
        try:
            share = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise BadParam(param.name, "share", param) from None
        if not share.is_finite() or not ZERO <= share <= 1:
            raise BadParam(param.name, "share", param)
        return share
    if param.kind == "count":
        if isinstance(value, bool):
            raise BadParam(param.name, "count", param)
        try:
            number = int(str(value))
        except ValueError:
            raise BadParam(param.name, "count", param) from None
        if not param.low <= number <= param.high:
            raise BadParam(param.name, "count", param)
        return number
    values = [value] if isinstance(value, str) else list(value or ())
    if not all(isinstance(v, str) for v in values) or (kinds is not None and set(values) - set(kinds)):
        raise BadParam(param.name, "kinds", param)
    return tuple(sorted(set(values)))


def settings(code: str, params: dict, *, kinds: Iterable[str] | None = None) -> dict:
    """The rule's parameters as values to compute with: the defaults, overlaid by `params` (keys the rule
    does not know are ignored). Raises BadParam."""
    return {p.name: _clean(p, params[p.name], kinds) if p.name in params else p.default
            for p in PARAMS[code]}


def stored(code: str, values: dict) -> dict:
    """Clean values as they are kept in the params JSON (shares as text, to keep them exact; normalised,
    so that 0.050 and 0.05 are one value and changing one into the other is no change)."""
    def as_json(value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return list(value) if isinstance(value, tuple) else value
    return {name: as_json(value) for name, value in settings(code, values).items()}


# --- the rules ----------------------------------------------------------------------------------------

def _sums(entries: Iterable[EntryFacts], kind: str, key: Callable) -> dict:
    """Totals of one kind per key; allocations net of what was recovered from the project."""
    totals: dict = defaultdict(lambda: ZERO)
    for e in entries:
        if e.kind == kind:
            totals[key(e)] += e.amount
        elif kind == ALLOCATION and e.kind == RECOVERY:
            totals[key(e)] -= e.amount
    return totals


def _gross(entries: Iterable[EntryFacts], kinds, key: Callable) -> dict:
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    totals: dict = defaultdict(lambda: ZERO)
    for e in entries:
        if e.kind in kinds:
            totals[key(e)] += e.amount
    return totals


def over_budget(facts: Facts, params: dict) -> list[Finding]:
    """A project whose allocations from all funds exceed its budget by more than the tolerance share."""
    standing = facts.standing()
    allocated = _sums(standing, ALLOCATION, lambda e: e.project)
    by_fund = _sums(standing, ALLOCATION, lambda e: (e.project, e.fund))
    found = []
    for pid, total in sorted(allocated.items()):
        project = facts.projects.get(pid)
        if project is None or not facts.inside(project.area):
            continue
        limit = (project.budget * (1 + params["tolerance"])).quantize(CENT)
        if total > limit:
            funds = [{"fund": f, "amount": money(v)}
                     for (p, f), v in sorted(by_fund.items()) if p == pid and v]
            found.append(Finding(OVER_BUDGET, f"project:{pid}", project.area, project=pid, evidence={
                "budget": money(project.budget), "allocated": money(total),
                "over": money(total - project.budget), "funds": funds,
                "_limit": money(limit), "_tolerance": str(params["tolerance"])}))
    return found


def no_beneficiaries(facts: Facts, params: dict) -> list[Finding]:
    """A project with money spent, or completed or accepted, that lists no beneficiary household and paid
    none directly (a household paid by the project is one it benefits)."""
    standing = facts.standing()
    spent = _sums(standing, SPENDING, lambda e: e.project)
    paid = {e.project for e in standing if e.kind == SPENDING and e.household is not None}
    found = []
    for project in sorted(facts.projects.values(), key=lambda p: p.id):
        if not facts.inside(project.area) or project.kind in params["exempt_kinds"]:
            continue
        money_spent = spent.get(project.id, ZERO)
        if money_spent <= ZERO and project.state not in DONE_STATES:
            continue
        if project.beneficiaries or project.id in paid:
            continue
        found.append(Finding(NO_BENEFICIARIES, f"project:{project.id}", project.area, project=project.id,
                             evidence={"spent": money(money_spent), "state": project.state}))
    return found


def idle_lots(inflows: list[EntryFacts], outflow: Decimal, today: datetime.date, days: int):
    """First in, first out: the outflow uses up the oldest inflows first; what is left of each inflow has
    waited since that inflow's date. Returns (idle amount, since, amount left): idle is what has waited
    more than `days` days, since the date of the oldest such inflow."""
    left_total, idle, since = ZERO, ZERO, None
    for inflow in inflows:
        used = min(outflow, inflow.amount)
        outflow -= used
        left = inflow.amount - used
        if left <= ZERO:
            continue
        left_total += left
        if (today - inflow.on).days > days:
            idle += left
            since = since or inflow.on
    return idle, since, left_total


def idle_money(facts: Facts, params: dict) -> list[Finding]:
    """Money received into a fund and not allocated, or allocated to a project and not spent, for more
    than `days` days (first in, first out over the entries' dates)."""
    days, standing, found = params["days"], facts.standing(), []
    # Money recovered from a project comes back into the fund on the day of its recovery: it leaves the
    # project as spending would and joins the fund's queue as a receipt would.
    received, allocated = defaultdict(list), _gross(standing, ALLOCATION, lambda e: e.fund)
    to_project = defaultdict(list)
    spent = _gross(standing, (SPENDING, RECOVERY), lambda e: (e.fund, e.project))
    for e in standing:
        if e.kind in (RECEIPT, RECOVERY):
            received[e.fund].append(e)
        elif e.kind == ALLOCATION:
            to_project[e.fund, e.project].append(e)
    for fid in sorted(received):
        fund = facts.funds.get(fid)
        if fund is None or not facts.inside(fund.area):
            continue
        idle, since, left = idle_lots(received[fid], allocated.get(fid, ZERO), facts.today, days)
        if idle > ZERO:
            found.append(Finding(IDLE_MONEY, f"fund:{fid}", fund.area, fund=fid, evidence={
                "stage": "unallocated", "idle": money(idle), "since": since.isoformat(),
                "_held": money(left), "_days": days}))
    for (fid, pid) in sorted(to_project):
        project = facts.projects.get(pid)
        if project is None or not facts.inside(project.area):
            continue
        idle, since, left = idle_lots(to_project[fid, pid], spent.get((fid, pid), ZERO), facts.today, days)
        if idle > ZERO:
            found.append(Finding(IDLE_MONEY, f"fund:{fid}:project:{pid}", project.area, fund=fid, project=pid,
                                 evidence={"stage": "unspent", "idle": money(idle),
                                           "since": since.isoformat(), "_held": money(left), "_days": days}))
    return found


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def duplicate_subsidy(facts: Facts, params: dict) -> list[Finding]:
    """The same household paid the same subsidy code more than once within `years` years (a payment on
    the same day of the year `years` later is no longer within)."""
    years, payments = params["years"], defaultdict(list)
    for e in facts.standing():
        if e.kind == SPENDING and e.household is not None and e.subsidy:
            payments[e.household, e.subsidy].append(e)
    found = []
    for (household, code), paid in sorted(payments.items()):
        village = paid[0].village
        if not facts.inside(village):
            continue
        # Sorted by date, a payment has a neighbour within the window if any payment is.
        twice = {e for a, b in zip(paid, paid[1:], strict=False)
                 if b.on < years_after(a.on, years) for e in (a, b)}
        if twice:
            found.append(Finding(
                DUPLICATE_SUBSIDY, f"household:{household}:{code}", village, household=household, evidence={
                    "subsidy": code, "entries": [
                        {"entry": e.id, "on": e.on.isoformat(), "amount": money(e.amount), "fund": e.fund,
                         "project": e.project} for e in sorted(twice, key=lambda e: (e.on, e.id))],
                    "_years": years}))
    return found


def outside_purpose(facts: Facts, params: dict) -> list[Finding]:
    """An allocation of a fund to a project whose purpose the fund does not name (a fund naming no
    purpose allows any)."""
    allocated = _sums(facts.standing(), ALLOCATION, lambda e: (e.fund, e.project))
    found = []
    for (fid, pid), total in sorted(allocated.items()):
        fund, project = facts.funds.get(fid), facts.projects.get(pid)
        if fund is None or project is None or not facts.inside(project.area) or total <= ZERO:
            continue
        if fund.purposes and project.purpose not in fund.purposes:
            found.append(Finding(OUTSIDE_PURPOSE, f"fund:{fid}:project:{pid}", project.area, fund=fid,
                                 project=pid, evidence={"purposes": sorted(fund.purposes),
                                                        "purpose": project.purpose,
                                                        "allocated": money(total)}))
    return found


RULES: dict[str, Callable[[Facts, dict], list[Finding]]] = {
    OVER_BUDGET: over_budget, NO_BENEFICIARIES: no_beneficiaries, IDLE_MONEY: idle_money,
    DUPLICATE_SUBSIDY: duplicate_subsidy, OUTSIDE_PURPOSE: outside_purpose}


def evaluate(facts: Facts, active: dict[str, dict]) -> dict[str, list[Finding]]:
    """The findings of each active rule, `active` giving each rule's settings()."""
    return {code: RULES[code](facts, params) for code, params in active.items() if code in RULES}


# --- the shipped rows -----------------------------------------------------------------------------------

def published_rules(path: Path = DATA) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{"code": row["code"], "active": row["active"] == "1",
                 "params": json.loads(row["params"] or "{}"), "source": row["source"]}
                for row in csv.DictReader(handle)]


def ensure_rules() -> None:
    """The rules are migration data, which `flush` (and a transactional test) empties: put them back."""
    from .models import SupervisionRule

    if not SupervisionRule.objects.exists():
        load_rules(SupervisionRule)


def load_rules(rule_model) -> int:
    """Adds the shipped rules the database lacks (by code); rules officers changed are left as they are.
    Returns the number added. Takes the model so a data migration can pass its historical one."""
    have = set(rule_model.objects.values_list("code", flat=True))
    missing = [rule_model(**values) for values in published_rules() if values["code"] not in have]
    rule_model.objects.bulk_create(missing)
    return len(missing)
