"""The loans of many mutual funds on a day as grouped sums, for an area's figures: a few SQL statements
whatever the number of loans, and mutual_rules' walk over the installments of the few loans behind.

A loan whose payments by the day cover everything due by then (fees and principal) has repaid all its
due principal and owes nothing late, so its sums decide it: principal due, principal outstanding, being
repaid or repaid. The loans behind (and not written off) are walked for what is late, their installments
due by the day against what they paid, by the same rule (mutual_rules.overdue) that mutual_facts applies
to every loan of a fund's page; the tests compare both on the awkward cases.

Facts of the schedules and the split spare reading most rows (mutual_rules.schedule and split_payment
make every schedule and split, mutual_actions and the demo record them, payments in the order made):
- a loan's installments add up to its principal, the last due `term_months` after its issue: a loan past
  its term by the day owes all its principal, without reading its installments;
- payments go to the oldest installment first, its fee before its principal: a loan whose principal is
  all repaid has paid every fee, so nothing is behind and its installments are not read for what is due;
  a loan behind has paid nothing beyond what is due, so all the principal it repaid was due (the rate);
- no loan repays more principal than it borrowed, so when the principal repaid by the day on a fund's
  loans marked repaid (`principal_repaid` less what the others repaid) is all they borrowed, each of them
  has repaid its principal, and their repayments need not be read one loan at a time. A fund where the
  sums disagree (a day before some were repaid, rows written by hand) has its loans read one by one.

Money is summed in whole fen (SQLite sums decimals as floating point) and read back as Decimal yuan."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from jingzhun.registry.models import Household

from . import mutual_rules as rules
from .models import Installment, Loan, MutualFund, Repayment

ZERO = rules.ZERO
# Terms (in months) whose end SQL tells from the day of issue; a loan of a longer term reads its installments.
TERMS = range(1, 61)


def yuan(fen) -> Decimal:
    """Whole fen (an int, or PostgreSQL's numeric sum) as yuan to two places."""
    return Decimal(int(fen or 0)).scaleb(-2).quantize(rules.CENT)


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _fen(column: str) -> str:
    return f"CAST(ROUND(({column}) * 100) AS BIGINT)"


def _ids(values: Iterable[int]) -> str:
    """A list of ids for IN, as literals: there may be more than a statement takes parameters."""
    return ", ".join(str(int(value)) for value in values)


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


@dataclass(frozen=True)
class Behind:
    """A loan not written off whose payments by the day fall short of what is due by then."""

    pk: int
    fund_id: int
    household_id: int
    number: str  # the household's
    principal: Decimal
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


# Each fund's sums over its loans (the inner select: one row per loan), with the loans behind and not
# written off as "loan:paid" pairs, the principal of the loans taken as repaid (`marked`) and what the
# others repaid. A loan behind has paid nothing beyond what is due (payments go oldest first): all the
# principal it repaid was due.
SUMS_SQL = """
SELECT fund_id, COUNT(*), SUM(principal), SUM(due_principal),
  SUM(CASE WHEN paid < due_total THEN paid_principal ELSE due_principal END),
  SUM(CASE WHEN written_off = 0 AND paid_principal < principal THEN 1 ELSE 0 END),
  SUM(CASE WHEN written_off = 0 AND paid_principal < principal THEN principal - paid_principal ELSE 0 END),
  SUM(CASE WHEN written_off = 1 THEN principal - paid_principal ELSE 0 END),
  {concat}(CASE WHEN paid < due_total AND written_off = 0
    THEN CAST(loan_id AS TEXT) || ':' || CAST(paid AS TEXT) END, ','),
  SUM(CASE WHEN marked = 1 THEN principal ELSE 0 END),
  SUM(CASE WHEN marked = 0 THEN paid_principal ELSE 0 END)
FROM ({per_loan}) per_loan GROUP BY fund_id
"""
# A loan past its term owes all its principal; one with its principal repaid reads no installment for what
# is due (`due_total` 0: nothing behind).
DUE_PRINCIPAL = """CASE WHEN l.issued_on <= {matured_if_issued_by} THEN {l_principal}
      ELSE COALESCE((SELECT SUM({i_principal}) {due_by}), 0) END"""
READ = """
  SELECT l.fund_id AS fund_id, l.id AS loan_id, {l_principal} AS principal,
    CASE WHEN l.state = %(written_off)s AND (l.closed_on IS NULL OR l.closed_on <= %(on)s) THEN 1 ELSE 0 END
      AS written_off,
    COALESCE(SUM({r_amount}), 0) AS paid,
    COALESCE(SUM({r_principal}), 0) AS paid_principal,
    {due_principal} AS due_principal,
    CASE WHEN COALESCE(SUM({r_principal}), 0) >= {l_principal} THEN 0
      ELSE COALESCE((SELECT SUM({i_total}) {due_by}), 0) END AS due_total, 0 AS marked
  FROM {loan} l LEFT JOIN {repayment} r ON r.loan_id = l.id AND r.paid_on <= %(on)s
  WHERE l.issued_on <= %(on)s AND l.fund_id IN ({funds}) {unmarked}
  GROUP BY l.fund_id, l.id"""
# The loans marked repaid, taken as having repaid their principal: their repayments are not read.
MARKED = """
  SELECT l.fund_id, l.id, {l_principal}, 0, 0, {l_principal}, {due_principal}, 0, 1
  FROM {loan} l WHERE l.issued_on <= %(on)s AND l.fund_id IN ({funds}) AND l.state = %(repaid)s"""

# The installments due by the day of the loans behind, with what the overdue list names.
DUES_SQL = """
SELECT i.loan_id, l.fund_id, l.household_id, h.number, {l_principal}, i.number, i.due_on, {i_principal},
  {i_fee}
FROM {installment} i JOIN {loan} l ON l.id = i.loan_id JOIN {household} h ON h.id = l.household_id
WHERE i.due_on <= %(on)s AND i.loan_id IN ({loans}) ORDER BY i.loan_id, i.number
"""


def _words() -> dict[str, str]:
    """What the statements above are made of: tables, money in fen, the installments due by the day."""
    quote = connection.ops.quote_name
    words = {"loan": quote(Loan._meta.db_table), "installment": quote(Installment._meta.db_table),
             "repayment": quote(Repayment._meta.db_table), "household": quote(Household._meta.db_table),
             "l_principal": _fen("l.principal"), "i_principal": _fen("i.principal"), "i_fee": _fen("i.fee"),
             "r_amount": _fen("r.amount"), "r_principal": _fen("r.principal"),
             "i_total": _fen("i.principal + i.fee"),
             "concat": "GROUP_CONCAT" if connection.vendor == "sqlite" else "STRING_AGG",
             "matured_if_issued_by": "CASE l.term_months {} END".format(
                 " ".join(f"WHEN {term} THEN %(term_{term})s" for term in TERMS))}
    words["due_by"] = f"FROM {words['installment']} i WHERE i.loan_id = l.id AND i.due_on <= %(on)s"
    words["due_principal"] = DUE_PRINCIPAL.format(**words)
    return words


def _sums_sql(words: dict, funds: list[int], *, marked: bool) -> str:
    """The sums of the funds' loans, those marked repaid read as such (`marked`) or one by one."""
    if not marked:
        return SUMS_SQL.format(per_loan=READ.format(funds=_ids(funds), unmarked="", **words), **words)
    per_loan = (READ.format(funds=_ids(funds), unmarked="AND l.state <> %(repaid)s", **words)
                + "\n  UNION ALL" + MARKED.format(funds=_ids(funds), **words))
    return SUMS_SQL.format(per_loan=per_loan, **words)


def loan_sums(fund_ids: Iterable[int], on: datetime.date,
              principal_repaid: dict[int, Decimal] | None = None) -> dict[int, LoanSums]:
    """The sums of the loans issued by `on` of each fund that has any: one query, and one more for the
    installments of the loans behind if there are any. With `principal_repaid` (each fund's principal
    repaid by `on`, repayments_by_year's), the loans marked repaid are checked by it instead of read; a
    fund where it disagrees costs one more query."""
    fund_ids = list(fund_ids)
    if not fund_ids:
        return {}
    words = _words()
    adapt = connection.ops.adapt_datefield_value
    params = {"on": adapt(on), "written_off": Loan.State.WRITTEN_OFF, "repaid": Loan.State.REPAID,
              **{f"term_{term}": adapt(last_issue_day(on, term)) for term in TERMS}}
    with connection.cursor() as cursor:
        cursor.execute(_sums_sql(words, fund_ids, marked=principal_repaid is not None), params)
        found, paid, unread = _read_sums(cursor.fetchall(), principal_repaid)
        if unread:  # loans marked repaid that had not all repaid by the day: read them one by one
            cursor.execute(_sums_sql(words, unread, marked=False), params)
            again, paid_again, _none = _read_sums(cursor.fetchall(), None)
            paid = {loan: (fund, amount) for loan, (fund, amount) in paid.items() if fund not in again}
            found.update(again)
            paid.update(paid_again)
        loans = _behind(cursor, words, params, paid)
    for loan in loans.values():
        _walk(found[loan.fund_id], loan, on)
    return found


def _read_sums(rows, principal_repaid: dict[int, Decimal] | None):
    """Each fund's sums, the loans behind (loan: (fund, paid)), and the funds whose loans marked repaid
    did not all repay their principal by the day."""
    found, paid, unread = {}, {}, []
    for fund, count, lent, due, repaid, active, outstanding, written_off, behind, marked, read in rows:
        found[fund] = LoanSums(int(count), yuan(lent), rules.Rate(yuan(due), yuan(repaid)), int(active),
                               yuan(outstanding), yuan(written_off))
        for pair in behind.split(",") if behind else ():
            loan, amount = pair.split(":")
            paid[int(loan)] = (fund, yuan(amount))
        if principal_repaid is not None and principal_repaid.get(fund, ZERO) - yuan(read) != yuan(marked):
            unread.append(fund)
    return found, paid, unread


def _behind(cursor, words: dict, params: dict, paid: dict[int, tuple[int, Decimal]]) -> dict[int, Behind]:
    """The loans behind with their installments due by the day."""
    loans: dict[int, Behind] = {}
    if not paid:
        return loans
    cursor.execute(DUES_SQL.format(loans=_ids(paid), **words), params)
    for loan, fund, household, number, principal, *due in cursor.fetchall():
        if loan not in loans:
            loans[loan] = Behind(loan, fund, household, number, yuan(principal), paid[loan][1])
        seq, due_on, due_principal, fee = due
        loans[loan].dues.append(rules.Due(seq, _date(due_on), yuan(due_principal), yuan(fee)))
    return loans


def _walk(into: LoanSums, loan: Behind, on: datetime.date) -> None:
    """What a loan behind owes past its due dates (nothing, when all it is behind on falls due that day)."""
    late = rules.overdue(loan.dues, [loan.paid], on)
    if late is not None:
        into.late.append((loan, late))


@dataclass(frozen=True)
class YearSums:
    fund: int
    year: int
    fees: Decimal  # paid in the year, up to the day
    principal: Decimal  # repaid in the year, up to the day


# Each fund's repayments by year, grouped fund by fund (one sort of a million rows costs more than 600
# small ones), as "year:fees:principal" triples.
YEARS_SQL = """
SELECT m.id,
  (SELECT {concat}(CAST(year AS TEXT) || ':' || CAST(fees AS TEXT) || ':' || CAST(principal AS TEXT), ',')
  FROM (SELECT {year} AS year, SUM({r_fee}) AS fees, SUM({r_principal}) AS principal
        FROM {loan} l JOIN {repayment} r ON r.loan_id = l.id
        WHERE l.fund_id = m.id AND r.paid_on <= %(on)s GROUP BY 1) by_year)
FROM {fund} m WHERE m.id IN ({funds})
"""


def repayments_by_year(fund_ids: Iterable[int], on: datetime.date) -> list[YearSums]:
    """What the funds' loans repaid in each year up to `on`: one query."""
    fund_ids = list(fund_ids)
    if not fund_ids:
        return []
    # SQLite keeps a day as ISO text; its EXTRACT is a Python function called for each row.
    year = ("CAST(SUBSTR(r.paid_on, 1, 4) AS INTEGER)" if connection.vendor == "sqlite"
            else "CAST(EXTRACT(YEAR FROM r.paid_on) AS INTEGER)")
    sql = YEARS_SQL.format(year=year, r_fee=_fen("r.fee"), funds=_ids(fund_ids),
                           fund=connection.ops.quote_name(MutualFund._meta.db_table), **_words())
    found = []
    with connection.cursor() as cursor:
        cursor.execute(sql, {"on": connection.ops.adapt_datefield_value(on)})
        for fund, years in cursor.fetchall():
            for triple in years.split(",") if years else ():
                year, fees, principal = triple.split(":")
                found.append(YearSums(fund, int(year), yuan(fees), yuan(principal)))
    return found
