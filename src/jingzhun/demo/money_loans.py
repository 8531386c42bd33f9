"""Loans of the demo's village mutual funds from 2014 (or the fund's founding) to today, their schedules
(funds.mutual_rules.schedule) and repayments, each split into fee and principal by
funds.mutual_rules.split_payment.

Members borrow in about a third of the years (poor ones a little more often), one loan at a time, within
the standards' ceiling and term and the fund's capital; a household whose plan delivered a mutual-fund loan
borrows that sum on that day. Most repay on time (a few in two parts), some late, a few stop paying:
those whose last installment fell due over a year ago are written off, the others are overdue today.
Repayment rate on principal due comes out near 98.5% (assumed, as 97-99% is typical)."""

import datetime
import heapq
from dataclasses import dataclass
from decimal import Decimal

from jingzhun.funds import mutual_rules as rules

from .money_jobs import pick
from .money_mutual import FundPlan

FIRST_YEAR = 2014
BORROW = {True: 0.35, False: 0.25}  # chance a member borrows in a year, poor or not (assumed)
AMOUNTS = {2000: 0.1, 3000: 0.2, 4000: 0.15, 5000: 0.25, 6000: 0.1, 8000: 0.1, 10000: 0.1}  # yuan (assumed)
TERMS = {12: 0.7, 6: 0.15, 10: 0.15}  # months, within the standard's maximum (assumed)
MONTHLY = 0.1  # share repaid monthly rather than at maturity (assumed)
LATE, DEFAULT = 0.06, 0.015  # shares of loans repaid late, and never in full (assumed)
IN_TWO = 0.12  # of loans repaid on time at maturity, paid in two parts (assumed)
WRITE_OFF_AFTER = 365  # days after the last due date a defaulted loan is written off
PURPOSES = ("养殖肉牛", "养殖滩羊", "种植马铃薯", "种植中药材", "购买化肥种子", "经营小商店", "外出务工路费",
            "设施温棚种植", "养殖鸡", "购置农机")
ANCHOR = datetime.date(2001, 1, 15)
ONE_DAY = datetime.timedelta(days=1)
WRITE_OFF_REASONS = ("借款人因病去世，家庭无力偿还，经村民代表大会同意核销",
                     "借款户举家外迁，多次催收未果，经村民代表大会同意核销",
                     "借款户遭受自然灾害，无力偿还，经村民代表大会同意核销")


@dataclass(frozen=True)
class Template:
    """A schedule's amounts, the same for every loan of its principal, term, fee rate and kind."""

    key: tuple
    dues: tuple  # rules.Due, dated from ANCHOR (a split depends on the order of the dues, not their days)
    totals: tuple
    owed: Decimal


@dataclass(slots=True)
class Drawn:
    member: object
    issued: datetime.date
    principal: Decimal
    term: int
    rate: Decimal
    kind: str
    template: Template
    days: list  # each installment's due day: rules.add_months of the issue day
    repayments: list  # (day, amount, principal, fee)
    state: str
    closed: datetime.date | None
    reason: str
    purpose: str


class Splitter:
    """schedule() and split_payment() for the demo's many loans alike: a schedule's amounts depend on the
    principal, term, fee rate and kind only (its days are add_months of the issue day, as schedule()
    counts them), and a payment's split on those amounts and the payments before it: both are cached."""

    def __init__(self):
        self.templates, self.splits, self.calendar = {}, {}, {}

    def template(self, principal: Decimal, term: int, rate: Decimal, kind: str) -> Template:
        key = (principal, term, rate, kind)
        found = self.templates.get(key)
        if found is None:
            dues = tuple(rules.schedule(principal, ANCHOR, term, rate, kind))
            totals = tuple(d.total for d in dues)
            found = self.templates[key] = Template(key, dues, totals, sum(totals, Decimal(0)))
        return found

    def days(self, issued: datetime.date, term: int, kind: str) -> list[datetime.date]:
        found = self.calendar.get((issued, term, kind))
        if found is None:
            months = [term] if kind == rules.MATURITY else range(1, term + 1)
            found = self.calendar[issued, term, kind] = [rules.add_months(issued, n) for n in months]
        return found

    def split(self, template: Template, earlier: tuple, amount: Decimal) -> tuple[Decimal, Decimal]:
        found = self.splits.get((template.key, earlier, amount))
        if found is None:
            found = rules.split_payment(list(template.dues), list(earlier), amount)
            self.splits[template.key, earlier, amount] = found
        return found


def _hundreds(value: Decimal) -> Decimal:
    return (value / 100).quantize(Decimal(1)) * 100


class Lender:
    def __init__(self, rng, ctx, today: datetime.date):
        self.rng, self.ctx, self.today = rng, ctx, today
        self.splitter = Splitter()
        self.standards = {}

    def standard(self, key: str, year: int, village: str):
        found = self.standards.get((key, year, village[:6]))
        if found is None:
            found = self.standards[key, year, village[:6]] = self.ctx.standard(key, year, village)
        return found

    def candidates(self, plan: FundPlan) -> list[tuple]:
        """(issued ordinal, optional, member, yuan) of every loan a member would take, in day order: the
        plans' loans (not optional) come first on a day and are not held back by the fund's capital."""
        rng, today = self.rng, self.today.toordinal()
        wanted = []
        first = max(FIRST_YEAR, datetime.date.fromordinal(plan.founded).year)
        for member in plan.members:
            forced_years = set()
            for on, amount in member.loans:
                wanted.append((on, 0, member, max(1000, round(amount / 10000) * 100)))
                forced_years |= {datetime.date.fromordinal(on).year + d for d in (-1, 0, 1)}
            start = max(first, datetime.date.fromordinal(member.joined).year)
            for year in range(start, self.today.year + 1):
                if rng.random() >= BORROW[member.poor] or year in forced_years:
                    continue
                if rng.random() < 0.7:
                    on = datetime.date(year, 3, 1).toordinal() + int(rng.random() * 120)
                else:
                    on = datetime.date(year, 1, 5).toordinal() + int(rng.random() * 350)
                if member.joined < on < today and (member.left is None or on < member.left):
                    wanted.append((on, 1, member, pick(rng, AMOUNTS)))
        wanted.sort(key=lambda w: (w[0], w[1], w[2].household))
        return wanted

    def loans(self, plan: FundPlan) -> list[Drawn]:
        """The fund's loans, each with its dues and payments; one at a time per member, within capital."""
        busy, out, lent, drawn = {}, [], 0, []  # out: a heap of (last due day, fen) of loans not yet due
        lendable = plan.lendable
        for on, optional, member, amount in self.candidates(plan):
            if busy.get(member.household, 0) >= on:
                continue
            while out and out[0][0] <= on:
                lent -= heapq.heappop(out)[1]
            if optional and lent + amount * 100 > lendable:
                continue
            loan = self.loan(plan, member, on, amount)
            busy[member.household] = loan.days[-1].toordinal()
            heapq.heappush(out, (busy[member.household], amount * 100))
            lent += amount * 100
            drawn.append(loan)
        return drawn

    def loan(self, plan: FundPlan, member, on: int, amount: int) -> Drawn:
        rng, issued = self.rng, datetime.date.fromordinal(on)
        year = issued.year
        ceiling = int(self.standard("mutual_fund_loan_max", year, plan.village))
        term_max = int(self.standard("mutual_fund_term_max", year, plan.village))
        rate = Decimal(str(self.standard("mutual_fund_fee_rate", year, plan.village)))
        principal = Decimal(min(amount, ceiling))
        term = min(pick(rng, TERMS), term_max)
        kind = rules.MONTHLY if rng.random() < MONTHLY else rules.MATURITY
        template = self.splitter.template(principal, term, rate, kind)
        days = self.splitter.days(issued, term, kind)
        roll = rng.random()
        behaviour = "default" if roll < DEFAULT else "late" if roll < DEFAULT + LATE else "on_time"
        splits, earlier = [], ()
        for paid_on, paid in self.payments(template, days, issued, behaviour):
            splits.append((paid_on, paid, *self.splitter.split(template, earlier, paid)))
            earlier = (*earlier, paid)
        state, closed, reason = "active", None, ""
        if sum(earlier, Decimal(0)) == template.owed:
            state = "repaid"
        elif behaviour == "default" and (self.today - days[-1]).days > WRITE_OFF_AFTER:
            state = "written_off"
            closed = days[-1] + datetime.timedelta(days=WRITE_OFF_AFTER + int(rng.random() * 60))
            closed = min(self.today, closed)
            reason = WRITE_OFF_REASONS[int(rng.random() * len(WRITE_OFF_REASONS))]
        purpose = PURPOSES[int(rng.random() * len(PURPOSES))]
        return Drawn(member, issued, principal, term, rate, kind, template, days, splits, state, closed,
                     reason, purpose)

    def payments(self, template: Template, days: list, issued: datetime.date, behaviour: str) -> list[tuple]:
        """(day, amount) paid, in order, up to today."""
        rng, paid, totals = self.rng, [], template.totals
        if behaviour == "on_time" and len(days) == 1 and rng.random() < IN_TWO:
            part = _hundreds(totals[0] * Decimal(str(round(0.3 + rng.random() * 0.3, 2))))
            middle = issued + (days[0] - issued) / 2
            last = days[0] - datetime.timedelta(days=int(rng.random() * 4))
            paid = [(middle, part), (last, totals[0] - part)]
        elif behaviour == "default":
            stop = int(rng.random() * len(days))
            paid = list(zip(days[:stop], totals[:stop], strict=True))
            if len(days) == 1 and rng.random() < 0.5:
                due = template.dues[0]
                share = Decimal(str(round(0.1 + rng.random() * 0.4, 2)))
                part = due.fee + _hundreds(due.principal * share)
                paid = [(days[0] + datetime.timedelta(days=10 + int(rng.random() * 50)), part)]
        else:
            lag, start = 0, int(rng.random() * len(days)) if behaviour == "late" else len(days)
            last = issued
            for number, (due_on, total) in enumerate(zip(days, totals, strict=True)):
                if number >= start:
                    lag = max(lag, 5 + int(rng.random() * (116 if len(days) == 1 else 56)))
                    on = due_on + datetime.timedelta(days=lag)
                else:
                    on = due_on - datetime.timedelta(days=int(rng.random() * 3))
                last = max(last + ONE_DAY, on)
                paid.append((last, total))
        return [(on, amount) for on, amount in paid if on <= self.today and amount > 0]
