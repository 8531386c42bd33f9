"""Village mutual funds of the demo's poor villages: founded 2009-2016 with the standard government capital,
member households (40-70% of the village's, poor ones first; every household whose plan delivered a
mutual-fund loan among them), their 100-yuan shares (a poor household's first share paid from fiscal
funds) and their joint-liability groups. Loans and repayments: demo.money_loans.

Calibration: capital, loan ceiling, term and fee rate are the standards (policy data: rules.md and seed
001: 200,000 yuan a village in Ningxia from 2009; loans up to 10,000; 8 per mille a month to 2014, 7 from
2015); founding years, the share of villages with a fund and the membership are assumed (seed 001: 428
villages had a fund in 2009, all 1,404 poor villages were to have one within three years)."""

import datetime
from dataclasses import dataclass, field

from .money_context import REGISTERED, Context
from .money_jobs import pick

FOUNDED = {2009: 0.25, 2010: 0.2, 2011: 0.2, 2012: 0.15, 2013: 0.08, 2014: 0.06, 2015: 0.04, 2016: 0.02}
COVERED = 0.85  # of poor villages (with households in the demo) that have a fund (assumed)
MEMBERS = (0.4, 0.7)  # of the village's households (assumed)
FOUNDING_MEMBERS = 0.6  # of members, joined on the founding day (assumed)
LEAVE = 0.04  # of members who left since (assumed)
SHARES = {1: 0.35, 2: 0.2, 3: 0.15, 4: 0.06, 5: 0.12, 6: 0.03, 7: 0.02, 8: 0.03, 9: 0.01, 10: 0.03}
GROUP_SIZE = (3, 5)  # households of a joint-liability group
SHARE = 10000  # fen: one share is 100 yuan
LAST_JOINING = datetime.date(2020, 12, 31).toordinal()


@dataclass(slots=True)
class MemberPlan:
    household: int
    joined: int
    shares: int
    poor: bool
    group: str
    left: int | None = None
    loans: list = field(default_factory=list)  # (ordinal, fen) the plan's delivered mutual-fund loans


@dataclass
class FundPlan:
    village: str
    founded: int
    capital: int  # fen, government
    members: list[MemberPlan]
    pk: int = 0

    @property
    def lendable(self) -> int:
        return self.capital + sum(m.shares for m in self.members) * SHARE


def _weighted(rng, items: list, weights: list[float], count: int) -> list:
    """`count` of `items` without replacement, more likely the heavier (Efraimidis–Spirakis keys)."""
    keyed = sorted(((rng.random() ** (1.0 / w), n) for n, w in enumerate(weights)), reverse=True)
    return [items[n] for _key, n in keyed[:count]]


def plan_funds(rng, ctx: Context) -> list[FundPlan]:
    loans = {}
    for done in ctx.delivered.get("mutual_fund_loan", ()):
        loans.setdefault(done.household, []).append((done.on, done.amount))
    today = ctx.today.toordinal()
    plans = []
    for village in sorted(ctx.poor):
        homes = ctx.homes.get(village, [])
        if len(homes) < 2 or rng.random() >= COVERED:
            continue
        year = pick(rng, FOUNDED)
        founded = datetime.date(year, 3, 1).toordinal() + int(rng.random() * 240)
        capital = int(ctx.standard("mutual_fund_capital", year, village)) * 100
        borrowers = [h for h in homes if h.id in loans]
        others = [h for h in homes if h.id not in loans]
        share = MEMBERS[0] + rng.random() * (MEMBERS[1] - MEMBERS[0])
        count = max(len(borrowers), round(len(homes) * share))
        weights = [2.0 if h.status in ("poor", "returned") else 1.0 if h.status in REGISTERED else 0.5
                   for h in others]
        chosen = borrowers + _weighted(rng, others, weights, count - len(borrowers))
        chosen.sort(key=lambda h: h.id)
        members = []
        order = list(range(len(chosen)))
        rng.shuffle(order)
        groups, size, number = {}, 0, 0
        for position in order:
            if size == 0:
                number += 1
                size = GROUP_SIZE[0] + int(rng.random() * (GROUP_SIZE[1] - GROUP_SIZE[0] + 1))
            groups[position] = f"第{number}联保小组"
            size -= 1
        for position, home in enumerate(chosen):
            own = sorted(loans.get(home.id, []))
            latest = min(LAST_JOINING, own[0][0] - 30) if own else LAST_JOINING
            if rng.random() < FOUNDING_MEMBERS or latest <= founded:
                joined = founded
            else:
                joined = founded + int(rng.random() * (latest - founded))
            member = MemberPlan(home.id, joined, pick(rng, SHARES), home.status in REGISTERED,
                                groups[position], loans=[loan for loan in own if loan[0] > joined])
            if not own and rng.random() < LEAVE and today - joined > 730:
                member.left = joined + 365 + int(rng.random() * (today - joined - 365))
            members.append(member)
        plans.append(FundPlan(village, founded, capital, members))
    return plans


def contribution_rows(plan: FundPlan, to_day) -> list[tuple]:
    """(fund, kind, household, amount, on, note, recorded_by): the government's capital, then each member's
    shares (a poor household's first paid by the government)."""
    rows = [(plan.pk, "government", None, _yuan(plan.capital), to_day(plan.founded), "政府注入互助资金本金",
             None)]
    for member in plan.members:
        own = member.shares
        if member.poor:
            rows.append((plan.pk, "government", member.household, _yuan(SHARE), to_day(member.joined),
                         "贫困户基础股（财政代缴）", None))
            own -= 1
        if own:
            rows.append((plan.pk, "member", member.household, _yuan(own * SHARE), to_day(member.joined),
                         f"入股{own}股", None))
    return rows


def membership_rows(plan: FundPlan, to_day) -> list[tuple]:
    return [(plan.pk, m.household, to_day(m.joined), to_day(m.left) if m.left else None, m.shares)
            for m in plan.members]


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
