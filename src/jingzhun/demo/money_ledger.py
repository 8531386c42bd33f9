"""The demo's funds and their ledger, drawn from the projects: each allocation tranche comes from a fund of
its county and year whose purposes cover the project (pairing money from the partner's own fund), and each
fund receives, a little ahead, what it allocates, in a few receipts (a partner's fund: its deliveries).

So no balance goes below zero at any moment and a fund ends with nothing idle, except where an anomaly was
drawn on purpose. Entries are ordered by day, then by a rank that puts a day's receipts before its
allocations and those before its payments, and get their ids in that order."""

import datetime
from dataclasses import dataclass, field

from jingzhun.funds.models import Purpose, Source

from .money_jobs import Job, day, pick

P = Purpose
RECEIPT, ALLOCATION, SPENDING = "receipt", "allocation", "spending"
RANK = {RECEIPT: 0, ALLOCATION: 2, SPENDING: 4}
# A source's purposes and its weight among a county's sources (assumed: the central special fund is the
# largest, then the region's; counties add a share; enterprises, donors and households a little).
SOURCES = {
    Source.CENTRAL: ((P.INFRASTRUCTURE, P.INDUSTRY, P.HOUSING, P.RELOCATION, P.EDUCATION, P.TRAINING,
                      P.MUTUAL_FUND), 0.50),
    Source.PROVINCIAL: ((P.INFRASTRUCTURE, P.INDUSTRY, P.HOUSING, P.RELOCATION, P.TRAINING, P.MUTUAL_FUND),
                        0.25),
    Source.LOCAL: ((P.INFRASTRUCTURE, P.HOUSING, P.EDUCATION, P.HEALTH, P.TRAINING, P.OTHER), 0.13),
    Source.ENTERPRISE: ((P.INDUSTRY, P.TRAINING), 0.04),
    Source.DONATION: ((P.EDUCATION, P.HEALTH, P.HOUSING), 0.03),
    Source.HOUSEHOLDS: ((P.INFRASTRUCTURE, P.HOUSING, P.INDUSTRY), 0.05),
    Source.PAIRING: ((P.INFRASTRUCTURE, P.INDUSTRY, P.HOUSING, P.EDUCATION, P.HEALTH, P.TRAINING), 0.0),
}
SUBSIDY_SOURCES = (Source.CENTRAL, Source.PROVINCIAL, Source.LOCAL, Source.DONATION)
NAMES = {Source.CENTRAL: "中央财政专项扶贫资金", Source.PROVINCIAL: "自治区财政专项扶贫资金",
         Source.LOCAL: "县级财政扶贫配套资金", Source.ENTERPRISE: "企业帮扶资金",
         Source.DONATION: "社会捐赠资金", Source.HOUSEHOLDS: "群众自筹资金", Source.PAIRING: "帮扶资金"}
DOCUMENTS = {Source.CENTRAL: "宁财（农）指标〔{y}〕{n}号", Source.PROVINCIAL: "宁财（农）指标〔{y}〕{n}号",
             Source.LOCAL: "{c}财发〔{y}〕{n}号"}
RECEIPTS = {Source.CENTRAL: (2, 4), Source.PROVINCIAL: (2, 3)}  # receipts a year; others (1, 2)
EARLY = 15  # a receipt arrives up to this many days before the allocations it covers


@dataclass(eq=False)
class FundDraw:
    key: tuple  # (source, county, year, partner id or None)
    name: str
    purposes: tuple
    document: str = ""
    pk: int = 0
    extra: list = field(default_factory=list)  # receipts beyond its allocations: (fen, ordinal, memo)

    @property
    def source(self) -> str:
        return self.key[0]

    @property
    def county(self) -> str:
        return self.key[1]

    @property
    def year(self) -> int:
        return self.key[2]


@dataclass(eq=False)
class EntryDraw:
    fund: FundDraw
    kind: str
    amount: int
    on: int
    rank: float
    seq: float
    job: Job | None = None
    household: int | None = None
    subsidy: str = ""
    memo: str = ""
    reverses: "EntryDraw | None" = None
    pk: int = 0

    @property
    def order(self) -> tuple:
        return (self.on, self.rank, self.seq)


class Ledger:
    def __init__(self, rng, counties: dict[str, str], partners: dict[int, str]):
        self.rng, self.counties, self.partners = rng, counties, partners
        self.funds: dict[tuple, FundDraw] = {}
        self.entries: list[EntryDraw] = []
        self.tranche_funds: dict[tuple[int, int], FundDraw] = {}  # (id(job), tranche) -> fund
        self.seq = 0

    def fund(self, key: tuple) -> FundDraw:
        found = self.funds.get(key)
        if found is None:
            source, county, year, partner = key
            name = f"{year}年{self.partners[partner] if partner else ''}{NAMES[source]}"
            template = DOCUMENTS.get(source, "")
            document = template.format(y=year, n=10 + int(self.rng.random() * 190),
                                       c=self.counties.get(county, "")[:2])
            found = self.funds[key] = FundDraw(key, name, SOURCES[source][0], document)
        return found

    def entry(self, fund, kind, amount, on, *, rank=None, seq=None, **values) -> EntryDraw:
        self.seq += 1
        drawn = EntryDraw(fund, kind, amount, on, RANK[kind] if rank is None else rank,
                          self.seq if seq is None else seq, **values)
        self.entries.append(drawn)
        return drawn

    def choose(self, job: Job, county: str) -> FundDraw:
        sources = SUBSIDY_SOURCES if job.subsidy else tuple(SOURCES)
        eligible = {s: SOURCES[s][1] for s in sources if job.purpose in SOURCES[s][0] and SOURCES[s][1]}
        return self.fund((pick(self.rng, eligible), county, job.year, None))

    def allocate(self, jobs: list[Job]) -> None:
        """Allocations and payments of every project, each tranche from a fund."""
        for job in jobs:
            for number, tranche in enumerate(job.tranches):
                fund = self.fund(tranche.fund) if tranche.fund else self.choose(job, job.county)
                self.tranche_funds[id(job), number] = fund
                self.entry(fund, ALLOCATION, tranche.amount, tranche.on, job=job,
                           memo=f"安排项目资金：{job.name}"[:300])
            for pay in job.pays:
                self.entry(self.tranche_funds[id(job), pay.tranche], SPENDING, pay.amount, pay.on, job=job,
                           household=pay.household, subsidy=pay.subsidy, memo=pay.memo)

    def receive(self, pairing: list[tuple]) -> None:
        """Receipts: a partner's deliveries; for other funds a few ahead of the allocations they cover."""
        by_fund: dict[FundDraw, list[EntryDraw]] = {}
        for entry in self.entries:
            if entry.kind == ALLOCATION:
                by_fund.setdefault(entry.fund, []).append(entry)
        for partner, name, county, year, amount, on, _note in pairing:
            fund = self.funds.get((Source.PAIRING, county, year, partner))
            if fund is not None:
                self.entry(fund, RECEIPT, amount, on, memo=f"收到{name}帮扶资金")
        for fund, allocations in by_fund.items():
            if fund.source != Source.PAIRING:
                self.tranches(fund, sorted(allocations, key=lambda e: e.order))
        for fund in self.funds.values():
            for amount, on, memo in fund.extra:
                self.entry(fund, RECEIPT, amount, on, memo=memo)

    def tranches(self, fund: FundDraw, allocations: list[EntryDraw]) -> None:
        low, high = RECEIPTS.get(fund.source, (1, 2))
        count = min(len(allocations), low + int(self.rng.random() * (high - low + 1)))
        cuts = sorted(self.rng.sample(range(1, len(allocations)), count - 1)) if count > 1 else []
        groups = [allocations[a:b] for a, b in zip([0, *cuts], [*cuts, len(allocations)], strict=True)]
        total, needed, paid = sum(e.amount for e in allocations), 0, 0
        first_day, last_day = day(fund.year, 1, 1), day(fund.year, 12, 20)
        for number, group in enumerate(groups):
            first = group[0].on
            on = max(first_day, min(first - int(self.rng.random() * (EARLY + 1)), last_day))
            on = min(on, first)
            needed += sum(e.amount for e in group)
            # Whole ten thousands of yuan ahead, the last receipt what is left: the fund ends even.
            covered = total if number == len(groups) - 1 else min(total, -(-needed // 1_000_000) * 1_000_000)
            amount = covered - paid
            if amount <= 0:
                continue
            paid += amount
            label = "资金到位" if fund.source in (Source.CENTRAL, Source.PROVINCIAL) else "资金入账"
            self.entry(fund, RECEIPT, amount, on, memo=f"{fund.name}{label}（{fund.document}）"
                       if fund.document else f"{fund.name}{label}")

    def number(self, ids) -> list[EntryDraw]:
        """Entries in ledger order, with their ids."""
        ordered = sorted(self.entries, key=lambda e: e.order)
        for entry, pk in zip(ordered, ids, strict=True):
            entry.pk = pk
        return ordered


def iso(ordinal: int) -> str:
    return datetime.date.fromordinal(ordinal).isoformat()
