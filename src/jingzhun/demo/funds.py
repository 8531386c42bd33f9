"""The demo's money, written in bulk after the assistance step: for each county and year 2014-2021 its funds
by source (the pairing partners' own), receipts, allocations to projects and spending (to contractors, and
subsidies to the households whose plans delivered them), a few reversed mistakes and a handful of
anomalies for supervision to find (demo.money_*); the village mutual funds with members, loans and
repayments (demo.mutual); then the supervision scan of the region. Deterministic for a seed (and a
day: loans run to clock.today()).

Ledger entries are written directly, as actions.receive/allocate/spend/reverse would write them; of the
audit, a payment's event on its household's trail (as spend() records it) and each project's history
(ProjectEvent), not the beneficiaries' trail events. Every fund's entries replay under funds.ledger_rules
(tests/demo/test_funds.py)."""

import datetime
import json
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from jingzhun.funds.models import (
    Beneficiary,
    Entry,
    Flag,
    Fund,
    Loan,
    MutualFund,
    Project,
    ProjectEvent,
    SupervisionRule,
)
from jingzhun.funds.supervision_actions import scan
from jingzhun.funds.supervision_rules import load_rules
from jingzhun.registry.audit import snapshot
from jingzhun.registry.bulk import TABLES as REGISTRY_TABLES
from jingzhun.registry.bulk import Writer, datetime_text, reserve_ids

from . import calibration as cal
from . import money_anomalies as anomalies
from .money_context import read_context
from .money_jobs import iso, yuan
from .money_ledger import RECEIPT, SPENDING, Ledger
from .money_loans import Lender
from .money_mutual import plan_funds
from .money_projects import draw_projects
from .mutual import REINDEXED as MUTUAL_REINDEXED
from .mutual import TABLES as MUTUAL_TABLES
from .mutual import MutualSummary, write_mutual

TABLES = {
    "fund": (Fund, ("id", "area_id", "source", "year", "name", "purposes", "partner_id", "document",
                    "created_by_id", "created_at")),
    "project": (Project, ("id", "area_id", "name", "kind", "purpose", "year", "budget", "output_planned",
                          "output_achieved", "state", "started_on", "completed_on", "accepted_on",
                          "accepted_by_id", "note", "created_by_id", "created_at")),
    "beneficiary": (Beneficiary, ("project_id", "household_id", "added_on")),
    "entry": (Entry, ("id", "fund_id", "kind", "project_id", "household_id", "subsidy", "amount", "on",
                      "reverses_id", "voucher", "memo", "recorded_by_id", "recorded_at")),
    "event": (ProjectEvent, ("project_id", "actor_id", "at", "action", "field", "old", "new", "on",
                             "reason")),
    "audit": REGISTRY_TABLES["audit"],
}
REINDEXED = (Beneficiary, Entry, ProjectEvent)
EXPLICIT_IDS = (Fund, Project, Entry, MutualFund, Loan)
ANOMALY_NOTE = "演示数据：为监督规则有意设置的异常"
PROVINCE, PROVINCE_USER = "640000000000", "province"


@dataclass
class FundsSummary:
    funds: int = 0
    entries: int = 0
    projects: int = 0
    beneficiaries: int = 0
    reversals: int = 0
    received: int = 0  # fen, net of reversals
    paid_households: int = 0  # fen, net of reversals
    anomalies: dict = field(default_factory=dict)
    mutual: MutualSummary = field(default_factory=MutualSummary)
    flags: int | None = None  # None: no supervision scan to run
    seconds: float = 0.0


class Dates:
    """ISO text of days and of 09:00 Beijing time on them, by ordinal, computed once each."""

    def __init__(self, vendor: str):
        self.stamp = datetime_text(vendor)
        self.days, self.stamps = {}, {}

    def day(self, ordinal: int | None) -> str | None:
        if ordinal is None:
            return None
        found = self.days.get(ordinal)
        if found is None:
            found = self.days[ordinal] = iso(ordinal)
        return found

    def at(self, ordinal) -> str:
        if isinstance(ordinal, datetime.date):
            ordinal = ordinal.toordinal()
        found = self.stamps.get(ordinal)
        if found is None:
            found = self.stamps[ordinal] = self.stamp(datetime.date.fromordinal(ordinal))
        return found


def build_funds(seed: int = 2013, progress: bool = False) -> FundsSummary:
    started = time.perf_counter()
    ctx = read_context()
    plans = plan_funds(random.Random(seed * 6151 + 31), ctx)
    founded = [(p.village, p.founded, p.capital, [m.household for m in p.members if m.joined == p.founded])
               for p in plans]
    rng = random.Random(seed * 2333 + 7)
    jobs = draw_projects(rng, ctx, founded)
    summary = FundsSummary(anomalies=anomalies.plant(rng, jobs))
    partners = {row[0]: row[1] for row in ctx.pairing}
    ledger = Ledger(rng, ctx.counties, partners)
    ledger.allocate(jobs)
    summary.anomalies[anomalies.CODE.IDLE_MONEY] = anomalies.idle(rng, ledger, ctx.counties)
    ledger.receive(ctx.pairing)
    summary.reversals = anomalies.mistakes(rng, ledger, cal.POOR_COUNTIES)
    anomalies.verify(ledger.entries)
    dates = Dates(connection.vendor)
    lender = Lender(random.Random(seed * 4099 + 13), ctx, ctx.today)
    with connection.constraint_checks_disabled(), transaction.atomic(), connection.cursor() as cursor:
        writer = Writer(cursor, {**TABLES, **MUTUAL_TABLES}, [*REINDEXED, *MUTUAL_REINDEXED])
        if connection.vendor == "postgresql":  # as demo.assistance: run pending checks before the ALTERs
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        indexes = writer.drop_indexes()
        _write_ledger(writer, cursor, ctx, ledger, jobs, dates, summary)
        summary.mutual = write_mutual(writer, cursor, plans, lender, dates.day, dates.at, progress)
        writer.create_indexes(indexes)
        for sql in connection.ops.sequence_reset_sql(no_style(), list(EXPLICIT_IDS)):
            cursor.execute(sql)
    summary.flags = run_scan()
    summary.seconds = time.perf_counter() - started
    return summary


def _write_ledger(writer, cursor, ctx, ledger: Ledger, jobs, dates: Dates, summary: FundsSummary) -> None:
    officer = ctx.officer
    xiji = cal.XIJI

    def who(county: str):
        return officer if county == xiji else None

    funds = sorted(ledger.funds.values(), key=lambda f: (f.year, f.county, f.source, f.key[3] or 0))
    # Entries are among the tables drop_indexes locked (a run of ids at once); funds and projects are not.
    for fund, pk in zip(funds, reserve_ids(cursor, Fund, len(funds)), strict=True):
        fund.pk = pk
    entries = ledger.number(reserve_ids(cursor, Entry, len(ledger.entries), locked=True))
    first = {}
    for entry in entries:
        first.setdefault(entry.fund.pk, entry.on)
    writer.write("fund", [(f.pk, f"{f.county}000000", f.source, f.year, f.name,
                           json.dumps(sorted(f.purposes)), f.key[3], f.document, who(f.county),
                           dates.at(first.get(f.pk, 0) or _jan(f.year))) for f in funds])
    jobs = sorted(jobs, key=lambda j: (j.year, j.area, j.created, j.name))
    for job, pk in zip(jobs, reserve_ids(cursor, Project, len(jobs)), strict=True):
        job.pk = pk
    writer.write("project", [
        (j.pk, j.area, j.name[:120], j.kind, j.purpose, j.year, yuan(j.budget), f"{j.planned:.2f}",
         f"{j.achieved:.2f}", j.state, dates.day(j.started), dates.day(j.completed), dates.day(j.accepted),
         who(j.county) if j.accepted else None, ANOMALY_NOTE if j.anomaly else j.note, who(j.county),
         dates.at(j.created)) for j in jobs])
    beneficiaries = [(j.pk, household, dates.day(j.started or j.created)) for j in jobs
                     for household in j.beneficiaries]
    writer.write("beneficiary", beneficiaries)
    numbers = {h.id: h.number for homes in ctx.homes.values() for h in homes}
    writer.write("event", [row for j in jobs for row in _events(j, who(j.county), numbers, dates)])
    vouchers, rows, audit = {}, [], []
    for entry in entries:
        voucher = ""
        if entry.kind in (RECEIPT, SPENDING):
            key = (entry.fund.county, iso(entry.on)[:4])
            vouchers[key] = vouchers.get(key, 0) + 1
            voucher = f"记{key[1]}-{vouchers[key]:05d}"
        rows.append((entry.pk, entry.fund.pk, entry.kind, entry.job.pk if entry.job else None,
                     entry.household, entry.subsidy, yuan(entry.amount), dates.day(entry.on),
                     entry.reverses.pk if entry.reverses else None, voucher, entry.memo[:300],
                     who(entry.fund.county), dates.at(entry.on)))
        sign = -1 if entry.reverses else 1
        if entry.kind == RECEIPT:
            summary.received += sign * entry.amount
        elif entry.household is not None:
            summary.paid_households += sign * entry.amount
            # On the household's trail, as actions.spend writes it.
            paid = snapshot((("project", str(entry.job.pk)), ("subsidy", entry.subsidy),
                             ("amount", yuan(entry.amount)), ("on", dates.day(entry.on))))
            audit.append((entry.household, who(entry.fund.county), dates.at(entry.on), "payment", entry.pk,
                          "create", "", "", paid, ""))
    writer.write("entry", rows)
    writer.write("audit", audit)
    summary.funds, summary.entries, summary.projects = len(funds), len(rows), len(jobs)
    summary.beneficiaries = len(beneficiaries)


def _events(job, actor, numbers: dict, dates: Dates) -> list[tuple]:
    """The project's history as project_actions would have written it: created, beneficiaries listed,
    started, output recorded, completed and accepted (or still under way)."""
    def event(on, action, field, old="", new=""):
        return (job.pk, actor, dates.at(on), action, field, old, new, dates.day(on), "")

    rows = [event(job.created, "create", "name", new=job.name[:120])]
    if job.beneficiaries:
        listed = " ".join(sorted(numbers[h] for h in job.beneficiaries))
        rows.append(event(job.started or job.created, "beneficiary", "households", new=listed))
    rows.append(event(job.started, "state", "state", "planned", "under_way"))
    measured = job.completed or max(p.on for p in job.pays)
    rows.append(event(measured, "output", "output_achieved", "0.00", f"{job.achieved:.2f}"))
    if job.completed:
        rows.append(event(job.completed, "state", "state", "under_way", "completed"))
        rows.append(event(job.accepted, "state", "state", "completed", "accepted"))
    return rows


def _jan(year: int) -> int:
    return datetime.date(year, 1, 2).toordinal()


def run_scan() -> int | None:
    """The supervision scan over the region, as the demo's province officer (None without one): the rules
    shipped as data first, should the database lack them. Returns the open flags."""
    province = get_user_model().objects.filter(username=PROVINCE_USER, post__area_id=PROVINCE).first()
    if province is None:
        return None
    load_rules(SupervisionRule)
    scan(PROVINCE, actor=province)
    return Flag.objects.filter(state=Flag.State.OPEN).count()
