"""Writes the demo's village mutual funds (demo.money_mutual) and their loans (demo.money_loans) in bulk:
funds, members, capital contributions, then loans with their installments and repayments, a batch of
funds at a time, drawn in a forked child while this process writes the batch before (as demo.assistance:
the child's copy of the rng goes on where this one stands, so the rows are the same either way)."""

import datetime
import itertools
import sys
from dataclasses import dataclass
from decimal import Decimal

from tqdm import tqdm

from jingzhun.funds.models import Contribution, Installment, Loan, Membership, MutualFund, Repayment
from jingzhun.registry.bulk import reserve_ids

from .generate import drawn_aside
from .money_loans import FIRST_YEAR, Lender
from .money_mutual import FundPlan, contribution_rows, membership_rows

TABLES = {
    "mutual": (MutualFund, ("id", "village_id", "founded_on", "closed_on", "note", "created_by_id",
                            "created_at")),
    "membership": (Membership, ("fund_id", "household_id", "joined_on", "left_on", "shares")),
    "contribution": (Contribution, ("fund_id", "kind", "household_id", "amount", "on", "note",
                                    "recorded_by_id")),
    "loan": (Loan, ("id", "fund_id", "household_id", "principal", "issued_on", "term_months", "fee_rate",
                    "schedule", "purpose", "group", "state", "closed_on", "close_reason", "recorded_by_id",
                    "recorded_at")),
    "installment": (Installment, ("loan_id", "number", "due_on", "principal", "fee")),
    "repayment": (Repayment, ("loan_id", "paid_on", "amount", "principal", "fee", "recorded_by_id",
                              "recorded_at")),
}
REINDEXED = (Membership, Contribution, Loan, Installment, Repayment)
BATCH = 50  # funds drawn and written at a time
NOTE = "村级扶贫互助资金：村民所有、村民使用、村民管理、村民受益，滚动发展"


@dataclass
class MutualSummary:
    funds: int = 0
    members: int = 0
    loans: int = 0
    installments: int = 0
    repayments: int = 0
    overdue: int = 0
    written_off: int = 0
    principal_due: Decimal = Decimal(0)
    principal_repaid: Decimal = Decimal(0)

    @property
    def rate(self) -> Decimal | None:
        return None if not self.principal_due else self.principal_repaid / self.principal_due


def write_mutual(writer, cursor, plans: list[FundPlan], lender: Lender, to_day, to_text,
                 progress: bool = False) -> MutualSummary:
    summary = MutualSummary()
    for plan, pk in zip(plans, reserve_ids(cursor, MutualFund, len(plans)), strict=True):
        plan.pk = pk
    writer.write("mutual", [(p.pk, p.village, to_day(p.founded), None, NOTE, None, to_text(p.founded))
                            for p in plans])
    writer.write("membership", [row for p in plans for row in membership_rows(p, to_day)])
    writer.write("contribution", [row for p in plans for row in contribution_rows(p, to_day)])
    summary.members = sum(len(p.members) for p in plans)
    # Ids for as many loans as the members could take (one a year each, and their plans'): drawn in order
    # by the child, the unused rest given back when the sequence is reset.
    years = lender.today.year - FIRST_YEAR + 1
    most = sum(len(m.loans) + years for p in plans for m in p.members)
    first = reserve_ids(cursor, Loan, most, locked=True)[0] if most else 1
    with tqdm(total=len(plans), unit="mutual funds", file=sys.stderr, disable=not progress) as bar:
        for rows, counts in drawn_aside(_batches(plans, lender, first, to_text)):
            for name, table_rows in rows.items():
                writer.write(name, table_rows)
            for name in ("funds", "loans", "installments", "repayments", "overdue", "written_off",
                         "principal_due", "principal_repaid"):
                setattr(summary, name, getattr(summary, name) + getattr(counts, name))
            bar.update(counts.funds)
    return summary


class Texts:
    """Days and amounts as the database takes them, each formatted once."""

    def __init__(self, to_text):
        self.to_text, self.days, self.stamps, self.money = to_text, {}, {}, {}

    def day(self, value: datetime.date | None) -> str | None:
        if value is None:
            return None
        found = self.days.get(value)
        if found is None:
            found = self.days[value] = value.isoformat()
        return found

    def at(self, value: datetime.date) -> str:
        found = self.stamps.get(value)
        if found is None:
            found = self.stamps[value] = self.to_text(value)
        return found

    def yuan(self, value: Decimal) -> str:
        found = self.money.get(value)
        if found is None:
            found = self.money[value] = f"{value:.2f}"
        return found


def _batches(plans: list[FundPlan], lender: Lender, first: int, to_text):
    """(rows by table, their counts) of the loans of BATCH funds at a time, loan ids from `first` on."""
    ids, text, today = itertools.count(first), Texts(to_text), lender.today
    for start in range(0, len(plans), BATCH):
        batch = plans[start:start + BATCH]
        rows, counts = {"loan": [], "installment": [], "repayment": []}, MutualSummary(funds=len(batch))
        for plan in batch:
            for loan in lender.loans(plan):
                pk, member, template = next(ids), loan.member, loan.template
                rows["loan"].append((pk, plan.pk, member.household, text.yuan(loan.principal),
                                     text.day(loan.issued), loan.term, str(loan.rate), loan.kind,
                                     loan.purpose, member.group, loan.state, text.day(loan.closed),
                                     loan.reason, None, text.at(loan.issued)))
                rows["installment"] += [(pk, due.number, text.day(on), text.yuan(due.principal),
                                         text.yuan(due.fee)) for due, on in zip(template.dues, loan.days,
                                                                                 strict=True)]
                rows["repayment"] += [(pk, text.day(on), text.yuan(paid), text.yuan(principal),
                                       text.yuan(fee), None, text.at(on))
                                      for on, paid, principal, fee in loan.repayments]
                _count(counts, loan, today)
        counts.loans = len(rows["loan"])
        counts.installments = len(rows["installment"])
        counts.repayments = len(rows["repayment"])
        yield rows, counts


def _count(summary: MutualSummary, loan, today: datetime.date) -> None:
    """Overdue today, and principal due by today against principal repaid (oldest installment first, so the
    principal paid counts toward what is due up to what is due)."""
    dues, paid = loan.template.dues, loan.repayments
    due = sum((d.principal for d, on in zip(dues, loan.days, strict=True) if on <= today), Decimal(0))
    repaid = sum((principal for _on, _paid, principal, _fee in paid), Decimal(0))
    summary.principal_due += due
    summary.principal_repaid += min(due, repaid)
    late = sum((total for total, on in zip(loan.template.totals, loan.days, strict=True) if on < today),
               Decimal(0))
    if loan.state == "written_off":
        summary.written_off += 1
    elif sum((amount for _on, amount, _p, _f in paid), Decimal(0)) < late:
        summary.overdue += 1
