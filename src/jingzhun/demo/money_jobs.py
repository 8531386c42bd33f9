"""A demo project as it is drawn, before it has an id or funds: what, where, for whom, and the money it
takes (allocation tranches) and pays (spending), with days as ordinals and money in fen.

A contractor's project takes a first tranche when work starts and pays it out in progress payments, then a
second at completion paid out at acceptance, so every finished project has spent exactly what it was
allocated; one still under way has spent its first tranche and not yet been allocated the rest. A
subsidy project is allocated, quarter by quarter, what it pays households that quarter."""

import datetime
from dataclasses import dataclass, field

from jingzhun.funds.models import Project, ProjectKind, Purpose

K, P, S = ProjectKind, Purpose, Project.State
# Days a kind of work takes (assumed).
DURATION = {K.ROAD: (90, 200), K.WELLS: (60, 150), K.TERRACES: (60, 150), K.SCHOOL: (120, 240),
            K.CLINIC: (90, 180), K.INDUSTRY: (60, 180), K.TRAINING: (30, 120), K.RELOCATION: (150, 300),
            K.HOUSING: (60, 150)}
COST_SHARE = (0.9, 1.0)  # the final cost against the budget (assumed: tenders come in under it)
FIRST_TRANCHE = (0.5, 0.7)  # of the cost, allocated when work starts (assumed)
FIRMS = ("恒达", "鑫源", "万通", "金盛", "宏泰", "华兴", "永固", "瑞丰", "丰禾", "路通", "六盘", "清水河",
         "塞上", "贺兰", "明珠")
TRADES = {K.ROAD: "路桥工程有限公司", K.WELLS: "水利水电工程有限公司", K.TERRACES: "农业综合开发有限公司",
          K.SCHOOL: "建筑工程有限公司", K.CLINIC: "建筑工程有限公司", K.INDUSTRY: "农牧发展有限公司",
          K.TRAINING: "职业技能培训学校", K.RELOCATION: "建设集团有限公司", K.HOUSING: "建筑工程有限公司"}


def day(year: int, month: int, day_: int) -> int:
    return datetime.date(year, month, day_).toordinal()


def iso(ordinal: int | None) -> str | None:
    return None if ordinal is None else datetime.date.fromordinal(ordinal).isoformat()


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def rounded(fen: float, step_yuan: int) -> int:
    step = step_yuan * 100
    return max(step, int(round(fen / step)) * step)


def ceiling(fen: int, step_yuan: int) -> int:
    step = step_yuan * 100
    return -(-fen // step) * step


@dataclass(slots=True)
class Tranche:
    amount: int
    on: int
    fund: tuple | None = None  # a fund key the tranche must come from (pairing money, an anomaly)


@dataclass(slots=True)
class Pay:
    amount: int
    on: int
    household: int | None = None
    subsidy: str = ""
    memo: str = ""
    tranche: int = 0  # the tranche (so the fund) it is paid from


@dataclass
class Job:
    area: str  # a village's or county's 12-digit code
    county: str  # 6 digits
    name: str
    kind: str
    purpose: str
    year: int
    budget: int  # fen
    planned: float  # output, in the kind's unit
    beneficiaries: list[int] = field(default_factory=list)
    state: str = S.PLANNED
    achieved: float = 0.0
    created: int = 0
    started: int | None = None
    completed: int | None = None
    accepted: int | None = None
    tranches: list[Tranche] = field(default_factory=list)
    pays: list[Pay] = field(default_factory=list)
    note: str = ""
    subsidy: bool = False  # pays households rather than a contractor
    anomaly: str = ""  # the supervision rule this project was drawn to trip, if any
    pk: int = 0

    @property
    def village(self) -> bool:
        return len(self.area) == 12 and not self.area.endswith("000000")

    @property
    def allocated(self) -> int:
        return sum(t.amount for t in self.tranches)

    @property
    def spent(self) -> int:
        return sum(p.amount for p in self.pays)


def pick(rng, weights: dict):
    """A key of `weights`, drawn in proportion to its weight."""
    roll = rng.random() * sum(weights.values())
    for key, weight in weights.items():
        roll -= weight
        if roll < 0:
            return key
    return key


def firm(rng, county_name: str, kind: str) -> str:
    place = county_name[:2] if rng.random() < 0.5 else "宁夏"
    return place + FIRMS[int(rng.random() * len(FIRMS))] + TRADES[kind]


def _split(rng, total: int, count: int, step: int = 10000) -> list[int]:
    """`total` fen in `count` parts, each a multiple of `step` fen except the last."""
    if count <= 1 or total < step * count * 2:
        return [total]
    weights = [0.6 + rng.random() for _ in range(count)]
    parts = [max(step, int(total * w / sum(weights)) // step * step) for w in weights[:-1]]
    return [*parts, total - sum(parts)]


def contract(rng, job: Job, county_name: str, *, earliest: int, today: int, cost_share=COST_SHARE,
             may_stay_open: bool = False) -> None:
    """Dates, state, tranches and payments of a contractor's project of `job.year`: work starts after
    `earliest`; one of 2021 (`may_stay_open`) may still be under way."""
    year = job.year
    first = max(earliest + 5, day(year, 3, 1) + int(rng.random() * 90))
    low, high = DURATION[job.kind]
    start = min(first, max(day(year, 12, 20), earliest + 5))
    # Works are planned to finish by the end of November, so the county accepts them within the year.
    done = min(start + low + int(rng.random() * (high - low)), max(start + low, day(year, 11, 30)))
    job.created = min(max(earliest, day(year, 1, 10) + int(rng.random() * 40)), start - 3)
    job.started = start
    cost = rounded(job.budget * (cost_share[0] + rng.random() * (cost_share[1] - cost_share[0])), 100)
    if cost_share[1] <= 1.0:
        cost = min(cost, job.budget)
    open_ = (may_stay_open and rng.random() < 0.5) or done + 40 >= today
    advance = min(rounded(cost * (FIRST_TRANCHE[0] + rng.random() * 0.2), 100), cost - 10000)
    builder = firm(rng, county_name, job.kind)
    job.tranches.append(Tranche(advance, start - int(rng.random() * 6)))
    last = min(done, today - 1, day(year, 12, 31) if open_ else done)
    parts = _split(rng, advance, 2 + int(rng.random() * 2))
    span = max(1, last - start - 10)
    days = sorted(start + 10 + int(rng.random() * span) for _ in parts)
    job.pays += [Pay(amount, min(on, last), memo=f"支付{builder}工程进度款") for amount, on in
                 zip(parts, days, strict=True)]
    if open_:
        job.state, job.achieved = S.UNDER_WAY, round(job.planned * (0.3 + rng.random() * 0.4), 1)
        return
    accepted = min(done + 10 + int(rng.random() * 30), max(done + 3, day(year, 12, 31)))
    job.completed, job.accepted, job.state = done, accepted, S.ACCEPTED
    job.achieved = round(job.planned * (0.97 + rng.random() * 0.06), 1)
    job.tranches.append(Tranche(cost - advance, done))
    job.pays.append(Pay(cost - advance, accepted, memo=f"支付{builder}工程结算款（验收后）", tranche=1))


def subsidies(job: Job, payments: list[Pay]) -> None:
    """A subsidy project paying `payments` (households, in day order): allocated quarter by quarter on the
    day of the quarter's first payment, accepted after its last."""
    job.subsidy = True
    job.pays = payments
    quarters: dict[int, list[Pay]] = {}
    for pay in payments:
        quarters.setdefault((datetime.date.fromordinal(pay.on).month - 1) // 3, []).append(pay)
    job.tranches = []
    for number, (_quarter, pays) in enumerate(sorted(quarters.items())):
        job.tranches.append(Tranche(sum(p.amount for p in pays), min(p.on for p in pays)))
        for pay in pays:
            pay.tranche = number
    job.budget = ceiling(sum(p.amount for p in payments), 1000)
    job.beneficiaries = sorted({p.household for p in payments})
    job.planned = job.achieved = float(len(job.beneficiaries))
    job.started = min(p.on for p in payments)
    job.completed = max(p.on for p in payments)
    job.created = min(job.started, max(day(job.year, 1, 2), job.started - 20))
    job.accepted = max(job.completed, min(job.completed + 5, day(job.year, 12, 31)))
    job.state = S.ACCEPTED
