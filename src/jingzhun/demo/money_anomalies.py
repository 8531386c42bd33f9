"""What supervision should find in the demo's books, drawn on purpose (one of each per county where the
county has the material): a project allocated over its budget, a completed project without beneficiary
households, money received and left idle, a household paid the same subsidy twice, money allocated outside
the fund's purposes. And a few honest mistakes, each undone by a reversing entry: a receipt entered with
an extra digit, an allocation to the wrong project, a contractor paid twice."""

from collections import defaultdict

from jingzhun.funds.models import Purpose, Source, SupervisionRule

from .money_jobs import Job, Pay, Tranche, ceiling, day, rounded
from .money_ledger import ALLOCATION, RECEIPT, SOURCES, SPENDING, EntryDraw, Ledger

CODE = SupervisionRule.Code
OVER_BUDGET = (0.1, 0.3)  # share of the budget allocated beyond it
IDLE = (300_000, 1_500_000)  # yuan received and never allocated
IDLE_YEARS = range(2015, 2020)


def _plain(job: Job) -> bool:
    """A contractor's accepted project with no pairing money and nothing drawn on it yet."""
    return (not job.subsidy and not job.anomaly and job.state == "accepted" and len(job.tranches) == 2
            and all(t.fund is None for t in job.tranches) and job.purpose != Purpose.MUTUAL_FUND)


def _pick(rng, jobs: list[Job]) -> Job | None:
    return jobs[int(rng.random() * len(jobs))] if jobs else None


def plant(rng, jobs: list[Job]) -> dict[str, int]:
    """Mark projects with the anomalies of each county; returns how many of each."""
    by_county = defaultdict(list)
    for job in jobs:
        by_county[job.county].append(job)
    counts = dict.fromkeys([CODE.OVER_BUDGET, CODE.NO_BENEFICIARIES, CODE.DUPLICATE_SUBSIDY,
                            CODE.OUTSIDE_PURPOSE], 0)
    for _county, own in sorted(by_county.items()):
        job = _pick(rng, [j for j in own if _plain(j)])
        if job:
            extra = rounded(job.budget * (OVER_BUDGET[0] + rng.random() * (OVER_BUDGET[1] - OVER_BUDGET[0])),
                            100)
            job.tranches.append(Tranche(extra, job.completed))
            job.pays.append(Pay(extra, job.accepted, memo="追加工程款（超出批复预算）", tranche=2))
            job.anomaly = CODE.OVER_BUDGET
        job = _pick(rng, [j for j in own if _plain(j) and j.village and j.beneficiaries])
        if job:
            job.beneficiaries, job.anomaly = [], CODE.NO_BENEFICIARIES
        job = _pick(rng, [j for j in own if j.subsidy and not j.anomaly])
        if job:
            pay = job.pays[int(rng.random() * len(job.pays))]
            on = min(pay.on + 20 + int(rng.random() * 40), day(job.year, 12, 31))
            job.tranches.append(Tranche(pay.amount, on))
            job.pays.append(Pay(pay.amount, on, pay.household, pay.subsidy, pay.memo, len(job.tranches) - 1))
            job.budget = ceiling(job.spent, 1000)
            job.anomaly = CODE.DUPLICATE_SUBSIDY
        job = _pick(rng, [j for j in own if _plain(j)])
        if job:
            source = Source.DONATION if job.purpose in SOURCES[Source.ENTERPRISE][0] else Source.ENTERPRISE
            job.tranches[0].fund = (source, job.county, job.year, None)
            job.anomaly = CODE.OUTSIDE_PURPOSE
        for job in own:
            if job.anomaly:
                counts[job.anomaly] += 1
    return counts


def idle(rng, ledger: Ledger, counties) -> int:
    """Money a county received from the centre in one year and never allocated."""
    count = 0
    for county in sorted(counties):
        years = [y for y in IDLE_YEARS if (Source.CENTRAL, county, y, None) in ledger.funds]
        if not years:
            continue
        fund = ledger.funds[Source.CENTRAL, county, years[int(rng.random() * len(years))], None]
        amount = rounded((IDLE[0] + rng.random() * (IDLE[1] - IDLE[0])) * 100, 10000)
        on = day(fund.year, 6, 1) + int(rng.random() * 120)
        fund.extra.append((amount, on, "上级追加下达资金（尚未安排项目）"))
        count += 1
    return count


def mistakes(rng, ledger: Ledger, counties) -> int:
    """In each county: a receipt with an extra digit, an allocation to the wrong project and a contractor
    paid twice, each reversed."""
    by_county = defaultdict(lambda: defaultdict(list))
    for entry in ledger.entries:
        by_county[entry.fund.county][entry.kind].append(entry)
    count = 0
    for county in sorted(counties):
        entries = by_county.get(county)
        if not entries:
            continue
        count += _receipt(rng, ledger, entries[RECEIPT]) + _allocation(rng, ledger, entries[ALLOCATION])
        count += _payment(rng, ledger, entries[SPENDING], [e for e in entries[ALLOCATION] if not e.reverses])
    return count


def _receipt(rng, ledger: Ledger, receipts: list[EntryDraw]) -> int:
    own = [e for e in receipts if e.fund.source in (Source.CENTRAL, Source.PROVINCIAL)]
    original = _pick(rng, own)
    if original is None:
        return 0
    wrong = ledger.entry(original.fund, RECEIPT, original.amount * 10, original.on, seq=original.seq - 0.6,
                         memo=original.memo)
    ledger.entry(original.fund, RECEIPT, wrong.amount, original.on, seq=original.seq - 0.3, reverses=wrong,
                 memo="冲销：金额多录一位，按正确金额重新入账")
    return 1


def _allocation(rng, ledger: Ledger, allocations: list[EntryDraw]) -> int:
    own = [e for e in allocations if e.fund.source != Source.PAIRING and not e.job.subsidy]
    original = _pick(rng, own)
    if original is None:
        return 0
    others = [e.job for e in own if e.job is not original.job]
    target = _pick(rng, others)
    if target is None:
        return 0
    wrong = ledger.entry(original.fund, ALLOCATION, original.amount, original.on, rank=1, job=target,
                         memo=f"安排项目资金：{target.name}"[:300])
    ledger.entry(original.fund, ALLOCATION, original.amount, original.on, rank=1, job=target, reverses=wrong,
                 memo=f"冲销：误拨至{target.name}，改拨{original.job.name}"[:300])
    return 1


def _payment(rng, ledger: Ledger, payments: list[EntryDraw], allocations: list[EntryDraw]) -> int:
    """A progress payment entered twice: the copy reversed before the project's next payment."""
    by_job = defaultdict(list)
    for entry in payments:
        if entry.household is None and not entry.job.subsidy:
            by_job[id(entry.job), id(entry.fund)].append(entry)
    allocated = defaultdict(list)
    for entry in allocations:
        allocated[id(entry.job), id(entry.fund)].append(entry)
    candidates = []
    for key, pays in sorted(by_job.items(), key=lambda item: item[1][0].order):
        pays.sort(key=lambda e: e.order)
        for number, pay in enumerate(pays[:-1]):
            # What the project holds of this fund after the payment must cover the copy.
            held = sum(e.amount for e in allocated[key] if e.order < pay.order)
            held -= sum(e.amount for e in pays[:number + 1])
            if pays[number + 1].on >= pay.on + 2 and held >= pay.amount:
                candidates.append((pay, pays[number + 1]))
                break
    if not candidates:
        return 0
    pay, following = candidates[int(rng.random() * len(candidates))]
    copy = ledger.entry(pay.fund, SPENDING, pay.amount, pay.on, seq=pay.seq + 0.5, job=pay.job, memo=pay.memo)
    on = pay.on + 1 + int(rng.random() * min(4, following.on - pay.on - 1))
    ledger.entry(pay.fund, SPENDING, pay.amount, on, rank=3, job=pay.job, reverses=copy,
                 memo="冲销：同一笔进度款重复支付")
    return 1


def verify(entries: list[EntryDraw]) -> None:
    """Replay the ledger in order: no balance below zero (a bug in the drawing, not in the data)."""
    unallocated, unspent = defaultdict(int), defaultdict(int)
    for entry in sorted(entries, key=lambda e: e.order):
        sign = -1 if entry.reverses is not None else 1
        fund, key = id(entry.fund), (id(entry.fund), id(entry.job))
        if entry.kind == RECEIPT:
            unallocated[fund] += sign * entry.amount
        elif entry.kind == ALLOCATION:
            unallocated[fund] -= sign * entry.amount
            unspent[key] += sign * entry.amount
        else:
            unspent[key] -= sign * entry.amount
        if unallocated[fund] < 0 or unspent[key] < 0:
            raise RuntimeError(f"Demo ledger drawn below zero at {entry}")
