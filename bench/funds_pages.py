"""The funds pages' reads at province and county scale, against a floor measured in the same run.

    JINGZHUN_VAR=/tmp/d200k .venv/bin/python bench/funds_pages.py [--county 640422] [--repeat 3]

Reads the demo database of `JINGZHUN_VAR` (build one with `jingzhun demo --households 200000 --no-serve`;
DATABASE_URL, when set, names another) and times, for the province and for one county, the query
functions the pages call, with the scope a province officer and that county's officer have:

- mutual funds: `mutual_queries.area_report(scope, prefix, today)` (/funds/mutual/);
- yearly account: `report_queries.account(scope, area, year)` for the latest year with funds or projects
  (/funds/report/);
- projects: `project_queries.search_projects` paged as the list pages it (the count, the first page) and
  `totals_of(page)` (/funds/projects/).

The floor: one hand-written SQL statement over the same area returning the headline totals the pages
compute: principal due by the day over all its loans and principal repaid by then, and the ledger's
received, allocated and spent in the year. The principal due and the ledger totals are checked against
the pages' own. Each figure is the best of `--repeat` runs; the ratio is page time / floor time.
"""

import argparse
import datetime
import os
import time
from decimal import Decimal


def setup() -> None:
    if not os.environ.get("JINGZHUN_VAR") and not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set JINGZHUN_VAR to a demo's directory "
                         "(jingzhun demo --households 200000 --no-serve).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingzhun.settings")
    import django

    django.setup()


def best(repeat: int, read):
    """The shortest of `repeat` runs, and what the last one returned."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        found = read()
        seconds.append(time.perf_counter() - started)
    return min(seconds), found


FLOOR_SQL = """
SELECT due.principal, repaid.principal, ledger.received, ledger.allocated, ledger.spent FROM
  (SELECT SUM(i.principal) AS principal FROM funds_loan l JOIN funds_installment i ON i.loan_id = l.id
     WHERE l.fund_id IN (SELECT id FROM funds_mutualfund WHERE village_id LIKE %(prefix)s)
       AND l.issued_on <= %(on)s AND i.due_on <= %(on)s) due,
  (SELECT SUM(r.principal) AS principal FROM funds_loan l JOIN funds_repayment r ON r.loan_id = l.id
     WHERE l.fund_id IN (SELECT id FROM funds_mutualfund WHERE village_id LIKE %(prefix)s)
       AND l.issued_on <= %(on)s AND r.paid_on <= %(on)s) repaid,
  (SELECT SUM(CASE WHEN kind = 'receipt' THEN amount ELSE 0 END) AS received,
          SUM(CASE WHEN kind = 'allocation' THEN amount WHEN kind = 'recovery' THEN -amount ELSE 0 END)
            AS allocated,
          SUM(CASE WHEN kind = 'spending' THEN amount ELSE 0 END) AS spent
     FROM (SELECT e.kind AS kind, CASE WHEN e.reverses_id IS NULL THEN e.amount ELSE -e.amount END AS amount
             FROM funds_entry e JOIN funds_fund d ON d.id = e.fund_id
             WHERE d.area_id LIKE %(prefix)s AND e.{on} >= %(start)s AND e.{on} <= %(end)s) entries) ledger
"""


def floor(prefix: str, on: datetime.date, start: datetime.date, end: datetime.date) -> tuple[Decimal, ...]:
    """Principal due and repaid by `on`; received, allocated and spent from `start` to `end`."""
    from django.db import connection

    sql = FLOOR_SQL.replace("{on}", connection.ops.quote_name("on"))  # a keyword as a column name
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, {"prefix": prefix + "%", "on": adapt(on), "start": adapt(start),
                             "end": adapt(end)})
        row = cursor.fetchone()
    return tuple(Decimal(value or 0).quantize(Decimal("0.01")) for value in row)


def pages(scope, area, on: datetime.date, year: int) -> dict:
    """The reads of the three pages: name -> a function doing them."""
    from django.core.paginator import Paginator

    from jingzhun.funds import mutual_queries, project_queries, report_queries

    def projects():
        flt = project_queries.ProjectFilter(area=area.code)
        page = Paginator(project_queries.search_projects(scope, flt, area), 50).get_page(1)
        rows = list(page)
        return page.paginator.count, rows, project_queries.totals_of(page)

    return {"mutual funds": lambda: mutual_queries.area_report(scope, area.prefix, on),
            "yearly account": lambda: report_queries.account(scope, area, year),
            "projects list": projects}


def run_area(label: str, scope, on: datetime.date, repeat: int) -> None:
    from jingzhun.areas.models import Area
    from jingzhun.funds import report_queries

    area = Area.objects.get(code=scope.area_code)
    year = report_queries.default_year(scope, area)
    start, as_of = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), on)
    floor_seconds, totals = best(repeat, lambda: floor(scope.prefix, on, start, as_of))
    print(f"\n{label}: {area.name}, figures on {on}, account of {year}")
    print(f"  {'floor (one SQL aggregate)':<27} {floor_seconds:7.3f} s")
    found = {}
    for name, read in pages(scope, area, on, year).items():
        seconds, found[name] = best(repeat, read)
        print(f"  {name:<27} {seconds:7.3f} s  {seconds / floor_seconds:6.1f} × floor")
    mutual, ledger = found["mutual funds"].total, found["yearly account"].total
    assert mutual.rate.due == totals[0], (mutual.rate.due, totals[0])
    assert (ledger.received, ledger.allocated, ledger.spent) == totals[2:], (ledger, totals)
    print(f"  principal due {mutual.rate.due:,}, repaid on time {mutual.rate.repaid:,} (all principal repaid "
          f"by the day {totals[1]:,});\n  ledger {year}: received {ledger.received:,}, allocated "
          f"{ledger.allocated:,}, spent {ledger.spent:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--county", default="640422", help="the county's 6-digit code (default Xiji)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup()
    from django.db import connection

    from jingzhun import clock
    from jingzhun.areas.models import Role
    from jingzhun.areas.scope import Scope
    from jingzhun.funds.models import Entry, Installment, Loan, Project, Repayment

    on = clock.today()
    print(f"database    {connection.settings_dict['NAME']} ({connection.vendor})")
    tables = {"ledger entries": Entry, "projects": Project, "loans": Loan, "installments": Installment,
              "repayments": Repayment}
    print("rows        " + ", ".join(f"{name} {model.objects.count():,}" for name, model in tables.items()))
    scopes = [("province", Scope(role=Role.PROVINCE_OFFICER, prefix="64", area_code="640000000000")),
              (f"county {args.county}", Scope(role=Role.COUNTY_OFFICER, prefix=args.county,
                                              area_code=args.county + "000000"))]
    for label, scope in scopes:
        run_area(label, scope, on, args.repeat)


if __name__ == "__main__":
    main()
