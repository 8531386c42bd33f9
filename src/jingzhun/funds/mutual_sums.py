"""The loans of many mutual funds on a day as grouped sums, for an area's figures: two SQL statements
whatever the number of loans, and mutual_rules' walk over the installments of the few loans behind.

A loan whose payments by the day cover everything due by then (fees and principal) has repaid all its
due principal and owes nothing late, so its sums decide it: principal due, principal outstanding, being
repaid or repaid. A loan whose principal is all repaid is such a loan without reading its installments:
payments go to the oldest installment first, its fee before its principal (repayments are split so when
recorded, in the order they were made), so the last principal repaid comes after every fee. Only the
loans behind are walked, their installments due by the day against what they paid, by the same rules
(mutual_rules.repayment_rate and overdue) that mutual_facts applies to every loan of a fund's page; the
tests compare both on the awkward cases.

Money is summed in whole fen (SQLite sums decimals as floating point) and read back as Decimal yuan."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from jingzhun.registry.models import Household

from . import mutual_rules as rules
from .models import Installment, Loan, Repayment

ZERO = rules.ZERO


def yuan(fen) -> Decimal:
    """Whole fen (an int, or PostgreSQL's numeric sum) as yuan to two places."""
    return Decimal(int(fen or 0)).scaleb(-2).quantize(rules.CENT)


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _fen(column: str) -> str:
    return f"CAST(ROUND(({column}) * 100) AS BIGINT)"


@dataclass(frozen=True)
class Behind:
    """A loan whose payments by the day fall short of what is due by then."""

    pk: int
    fund_id: int
    household_id: int
    number: str  # the household's
    principal: Decimal
    written_off: bool  # by the day: then it is not late, but its due principal still counts in the rate
    paid: Decimal  # everything paid by the day
    dues: list[rules.Due] = field(default_factory=list)  # due by the day


@dataclass
class LoanSums:
    """One fund's loans issued by the day."""

    loans: int = 0
    lent: Decimal = ZERO
    rate: rules.Rate = rules.Rate(ZERO, ZERO)
    active: int = 0  # being repaid
    outstanding: Decimal = ZERO  # principal owed on the loans being repaid
    written_off: Decimal = ZERO  # principal never repaid on the loans written off by the day
    late: list[tuple[Behind, rules.Overdue]] = field(default_factory=list)


# Terms (in months) whose end SQL tells from the day of issue; a loan of a longer term reads its installments.
TERMS = range(1, 61)


def last_issue_day(on: datetime.date, term_months: int) -> datetime.date:
    """The last day a loan of this term may have been issued to be past its term by `on`: its last
    installment falls due `term_months` after its issue (mutual_rules.schedule), by `on`."""
    def past_term(issued: datetime.date) -> bool:
        try:
            return rules.add_months(issued, term_months) <= on
        except ValueError:  # its term ends after the calendar does (figures on date.max: lendable)
            return False

    day, one = rules.add_months(on, -term_months), datetime.timedelta(days=1)
    while day < on and past_term(day + one):
        day += one
    while not past_term(day):
        day -= one
    return day


def _ids(values: Iterable[int]) -> str:
    """A list of ids for IN, as literals: there may be more than a statement takes parameters."""
    return ", ".join(str(int(value)) for value in values)


def _names() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {"loan": quote(Loan._meta.db_table), "installment": quote(Installment._meta.db_table),
            "repayment": quote(Repayment._meta.db_table), "household": quote(Household._meta.db_table)}


# Each fund's sums over its loans' (the inner select: one row per loan), with the loans behind as
# "loan:paid" pairs. A loan past its term owes all its principal by the day without reading its
# installments, and a loan with its principal repaid reads none for what is due (`due_total` 0: nothing
# behind).
SUMS_SQL = """
SELECT fund_id, COUNT(*), SUM(principal), SUM(due_principal),
  SUM(CASE WHEN paid < due_total THEN 0 ELSE due_principal END),
  SUM(CASE WHEN written_off = 0 AND paid_principal < principal THEN 1 ELSE 0 END),
  SUM(CASE WHEN written_off = 0 AND paid_principal < principal THEN principal - paid_principal ELSE 0 END),
  SUM(CASE WHEN written_off = 1 THEN principal - paid_principal ELSE 0 END),
  {concat}(CASE WHEN paid < due_total THEN CAST(loan_id AS TEXT) || ':' || CAST(paid AS TEXT) END, ',')
FROM (
  SELECT l.fund_id AS fund_id, l.id AS loan_id, {l_principal} AS principal,
    CASE WHEN l.state = %(written_off)s AND (l.closed_on IS NULL OR l.closed_on <= %(on)s) THEN 1 ELSE 0 END
      AS written_off,
    COALESCE(SUM({r_amount}), 0) AS paid,
    COALESCE(SUM({r_principal}), 0) AS paid_principal,
    CASE WHEN l.issued_on <= {matured_if_issued_by} THEN {l_principal}
      ELSE COALESCE((SELECT SUM({i_principal}) {due_by}), 0) END AS due_principal,
    CASE WHEN COALESCE(SUM({r_principal}), 0) >= {l_principal} THEN 0
      ELSE COALESCE((SELECT SUM({i_total}) {due_by}), 0) END AS due_total
  FROM {loan} l LEFT JOIN {repayment} r ON r.loan_id = l.id AND r.paid_on <= %(on)s
  WHERE l.issued_on <= %(on)s AND l.fund_id IN ({funds})
  GROUP BY l.fund_id, l.id
) per_loan GROUP BY fund_id
"""

# The installments due by the day of the loans behind, with what the overdue list names.
DUES_SQL = """
SELECT i.loan_id, l.fund_id, l.household_id, h.number, {l_principal},
  CASE WHEN l.state = %(written_off)s AND (l.closed_on IS NULL OR l.closed_on <= %(on)s) THEN 1 ELSE 0 END,
  i.number, i.due_on, {i_principal}, {i_fee}
FROM {installment} i JOIN {loan} l ON l.id = i.loan_id JOIN {household} h ON h.id = l.household_id
WHERE i.due_on <= %(on)s AND i.loan_id IN ({loans}) ORDER BY i.loan_id, i.number
"""


def loan_sums(fund_ids: Iterable[int], on: datetime.date) -> dict[int, LoanSums]:
    """The sums of the loans issued by `on` of each fund that has any: one query, and one more for the
    installments of the loans behind if there are any."""
    fund_ids = list(fund_ids)
    if not fund_ids:
        return {}
    names = _names()
    money = {"l_principal": _fen("l.principal"), "i_principal": _fen("i.principal"), "i_fee": _fen("i.fee")}
    sql = SUMS_SQL.format(
        funds=_ids(fund_ids), concat="GROUP_CONCAT" if connection.vendor == "sqlite" else "STRING_AGG",
        due_by=f"FROM {names['installment']} i WHERE i.loan_id = l.id AND i.due_on <= %(on)s",
        r_amount=_fen("r.amount"), r_principal=_fen("r.principal"), i_total=_fen("i.principal + i.fee"),
        matured_if_issued_by="CASE l.term_months {} END".format(
            " ".join(f"WHEN {term} THEN %(term_{term})s" for term in TERMS)), **money, **names)
    adapt = connection.ops.adapt_datefield_value
    params = {"on": adapt(on), "written_off": Loan.State.WRITTEN_OFF,
              **{f"term_{term}": adapt(last_issue_day(on, term)) for term in TERMS}}
    found: dict[int, LoanSums] = {}
    paid: dict[int, Decimal] = {}  # of each loan behind
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for fund, count, lent, due, repaid, active, outstanding, written_off, behind in cursor.fetchall():
            found[fund] = LoanSums(int(count), yuan(lent), rules.Rate(yuan(due), yuan(repaid)), int(active),
                                   yuan(outstanding), yuan(written_off))
            for pair in behind.split(",") if behind else ():
                loan, amount = pair.split(":")
                paid[int(loan)] = yuan(amount)
        loans: dict[int, Behind] = {}
        if paid:
            cursor.execute(DUES_SQL.format(loans=_ids(paid), **money, **names), params)
            for loan, fund, household, number, principal, written_off, *due in cursor.fetchall():
                if loan not in loans:
                    loans[loan] = Behind(loan, fund, household, number, yuan(principal), bool(written_off),
                                         paid[loan])
                seq, due_on, due_principal, fee = due
                loans[loan].dues.append(rules.Due(seq, _date(due_on), yuan(due_principal), yuan(fee)))
    for loan in loans.values():
        _walk(found[loan.fund_id], loan, on)
    return found


def _walk(into: LoanSums, loan: Behind, on: datetime.date) -> None:
    """What a loan behind repaid of its due principal, and what is late unless it is written off."""
    into.rate += rules.Rate(ZERO, rules.repayment_rate(loan.dues, [(on, loan.paid)], on).repaid)
    if not loan.written_off:
        late = rules.overdue(loan.dues, [loan.paid], on)
        if late is not None:
            into.late.append((loan, late))


def fees_by_year(fund_ids: Iterable[int], on: datetime.date) -> list[tuple[int, int, Decimal]]:
    """(fund, year, fees paid in the year up to `on`) of the funds' loans: one query."""
    fund_ids = list(fund_ids)
    if not fund_ids:
        return []
    names = _names()
    # SQLite keeps a day as ISO text; its EXTRACT is a Python function called for each row.
    year = ("CAST(SUBSTR(r.paid_on, 1, 4) AS INTEGER)" if connection.vendor == "sqlite"
            else "CAST(EXTRACT(YEAR FROM r.paid_on) AS INTEGER)")
    sql = (f"SELECT l.fund_id, {year}, SUM({_fen('r.fee')}) FROM {names['repayment']} r "
           f"JOIN {names['loan']} l ON l.id = r.loan_id "
           f"WHERE r.paid_on <= %(on)s AND l.fund_id IN ({_ids(fund_ids)}) GROUP BY 1, 2")
    with connection.cursor() as cursor:
        cursor.execute(sql, {"on": connection.ops.adapt_datefield_value(on)})
        return [(fund, int(year), yuan(total)) for fund, year, total in cursor.fetchall()]
