"""Registry import against a floor measured in the same run, on SQLite and PostgreSQL.

    .venv/bin/python bench/import_registry.py [--members N] [--databases sqlite,postgresql] [--keep]

Preparation (timed apart, not counted): a demo region of about N / 3.4 households is generated into a
scratch SQLite database (jingzhun.demo.generate.generate_region) and exported through the real member-row
export (registry.export.write_members, .csv, Chinese headers) as a scope that sees full ID numbers: a
county-officer Scope with the province prefix "64", built directly (no real post has it). The export
holds the current members only, so the file has about N rows.

Per database, in a fresh database (SQLite: a new file in a temp dir; PostgreSQL: a scratch database
jz_bench_<pid> created and dropped here), migrated, areas loaded, with an importing user whose Post is
county_officer on area 640000000000 (all of Ningxia; no province-level role may edit, and the scope
takes its prefix from the area's level, so this gives the prefix "64"):

- importer: `import_file(csv, actor=user)`, the whole real path (read, check, load, audit), wall time;
  the progress callback marks where reading ends. Checking and loading overlap (the fast path checks
  each chunk while the one before is written), so the rest is reported as one figure.
- floor: the same rows as the reader parsed them (tuples of the cells' text, same row and column
  count) written without checks into a fresh table of that width, in one transaction: SQLite
  `executemany` into a new file with the importer's pragmas (WAL, synchronous=NORMAL); PostgreSQL
  `COPY` into a new table of text columns in the scratch database. The rows are made after the import
  and before the floor's clock starts.

Prints members/s and the ratio importer time / floor time per database, with the issue's targets
(at least 30,000 members/s on SQLite, ratio at most 3). Each database runs in its own child process
(Django binds one default database per process).
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_SERVER = "postgresql://postgres@127.0.0.1:5432/"
MEMBERS_PER_HOUSEHOLD = 3.4
TARGET_MEMBERS_PER_SECOND = 30_000  # SQLite
TARGET_RATIO = 3.0
CSV_NAME = "registry.csv"


def setup_django(database_url: str, var: Path) -> None:
    var.mkdir(parents=True, exist_ok=True)
    os.environ.update(DATABASE_URL=database_url, JINGZHUN_VAR=str(var),
                      DJANGO_SETTINGS_MODULE="jingzhun.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from jingzhun.areas.loader import load_ningxia

    call_command("migrate", verbosity=0)
    load_ningxia()


# --- child: preparation -------------------------------------------------------------------------------

def prepare(tmp: Path, members: int, seed: int) -> dict:
    setup_django(f"sqlite:///{tmp / 'demo.sqlite3'}", tmp / "var-demo")
    from django.utils import translation

    from jingzhun.areas.models import Role
    from jingzhun.areas.scope import Scope
    from jingzhun.demo.generate import generate_region
    from jingzhun.registry.export import write_members
    from jingzhun.registry.models import Household

    households = max(1, round(members / MEMBERS_PER_HOUSEHOLD))
    started = time.perf_counter()
    generate_region(households=households, seed=seed)
    generated = time.perf_counter() - started
    scope = Scope(role=Role.COUNTY_OFFICER, prefix="64", area_code="640000000000")  # sees full ID numbers
    started = time.perf_counter()
    with translation.override("zh-hans"):
        counts = write_members(tmp / CSV_NAME, scope, Household.objects.order_by("pk"), "csv")
    exported = time.perf_counter() - started
    return {"households": counts.households, "members": counts.rows, "generate_seconds": generated,
            "export_seconds": exported, "bytes": (tmp / CSV_NAME).stat().st_size}


# --- child: one database ------------------------------------------------------------------------------

def run_database(tmp: Path, vendor: str, url: str) -> dict:
    setup_django(url, tmp / f"var-{vendor}")
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from jingzhun.areas.models import Post, Role
    from jingzhun.registry.intake.load import import_file
    from jingzhun.registry.intake.read import read_table
    from jingzhun.registry.models import AuditEvent, Household, Member

    user = get_user_model().objects.create_user("bench-importer", password="-")
    Post.objects.create(user=user, role=Role.COUNTY_OFFICER, area_id="640000000000")
    path = tmp / CSV_NAME

    total_rows = read_table(path).row_count

    marks: dict[str, float] = {}

    def progress(_count: int) -> None:  # first called once the file is read
        marks.setdefault("read", time.perf_counter())

    began = time.perf_counter()
    result = import_file(path, actor=user, progress=progress)
    seconds = time.perf_counter() - began
    if not result.written or result.errors:
        for problem in result.errors[:10]:
            print(f"  row {problem.row} {problem.key}: {problem.message}", file=sys.stderr)
        raise SystemExit(f"{vendor}: the import was refused ({len(result.errors)} errors)")
    members = Member.objects.count()
    assert members == result.members_created == total_rows, (members, result.members_created, total_rows)
    households = Household.objects.count()
    audit_rows = AuditEvent.objects.count()

    # The rows as the reader parses them, for the floor, made after the import (a million rows of Python
    # strings held through the import would tax its memory) and before the floor's clock starts.
    floor_rows = [tuple(cells) for _number, cells in read_table(path).rows]
    width = len(floor_rows[0])
    columns = [f"c{i}" for i in range(width)]
    if vendor == "sqlite":
        floor_seconds = sqlite_floor(tmp / "floor.sqlite3", columns, floor_rows)
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE bench_floor ({', '.join(f'{c} text' for c in columns)})")
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY bench_floor ({', '.join(columns)}) FROM STDIN") as copy:
            for row in floor_rows:
                copy.write_row(row)
        floor_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bench_floor")
            assert cursor.fetchone()[0] == total_rows
    connection.close()
    read_end = marks.get("read", began)
    return {"database": vendor, "members": total_rows, "households": households, "columns": width,
            "audit_rows": audit_rows, "seconds": seconds, "floor_seconds": floor_seconds,
            "read_seconds": read_end - began, "check_and_load_seconds": began + seconds - read_end}


def sqlite_floor(path: Path, columns: list[str], rows: list[tuple]) -> float:
    target = sqlite3.connect(path, isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=NORMAL")
    target.execute(f"CREATE TABLE bench_floor ({', '.join(columns)})")
    sql = f"INSERT INTO bench_floor VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    target.execute("BEGIN")
    target.executemany(sql, rows)
    target.execute("COMMIT")
    seconds = time.perf_counter() - started
    assert target.execute("SELECT count(*) FROM bench_floor").fetchone()[0] == len(rows)
    target.close()
    return seconds


# --- parent -------------------------------------------------------------------------------------------

def child(*arguments: str) -> dict:
    """Run a phase in a fresh interpreter; it writes its figures as JSON to the file named last."""
    out = Path(arguments[-1])
    subprocess.run([sys.executable, __file__, *arguments], check=True)
    return json.loads(out.read_text())


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as connection:
        connection.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and the scratch PG database")
    parser.add_argument("--phase", help=argparse.SUPPRESS)  # internal: prepare | sqlite | postgresql
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:  # a child
        if args.phase == "prepare":
            figures = prepare(args.dir, args.members, args.seed)
        else:
            figures = run_database(args.dir, args.phase, args.url)
        args.out.write_text(json.dumps(figures))
        return

    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(databases) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database: {', '.join(sorted(unknown))}")
    tmp = Path(tempfile.mkdtemp(prefix="jz-bench-import-"))
    pg_name = f"jz_bench_{os.getpid()}"
    pg_created = False
    results = []
    try:
        started = time.perf_counter()
        prepared = child("--phase", "prepare", "--dir", str(tmp), "--members", str(args.members),
                         "--seed", str(args.seed), "--out", str(tmp / "prepare.json"))
        print(f"prepared {prepared['members']:,} member rows in {prepared['households']:,} households "
              f"({prepared['bytes'] / 1e6:.0f} MB CSV): generate {prepared['generate_seconds']:.1f} s, "
              f"export {prepared['export_seconds']:.1f} s, {time.perf_counter() - started:.1f} s in all "
              f"(not counted)", flush=True)
        for vendor in databases:
            if vendor == "sqlite":
                url = f"sqlite:///{tmp / 'import.sqlite3'}"
            else:
                pg_admin(f"CREATE DATABASE {pg_name}")
                pg_created = True
                url = PG_SERVER + pg_name
            results.append(child("--phase", vendor, "--dir", str(tmp), "--url", url,
                                 "--out", str(tmp / f"{vendor}.json")))
    finally:
        if args.keep:
            print(f"kept: {tmp}" + (f", PostgreSQL database {pg_name}" if pg_created else ""))
        else:
            if pg_created:
                pg_admin(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"{'database':<11} {'members':>10} {'import s':>9} {'members/s':>10} {'floor s':>8} "
          f"{'floor m/s':>10} {'ratio':>6}   target")
    for r in results:
        rate, floor_rate = r["members"] / r["seconds"], r["members"] / r["floor_seconds"]
        ratio = r["seconds"] / r["floor_seconds"]
        checks = [f"ratio ≤ {TARGET_RATIO:g} {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}"]
        if r["database"] == "sqlite":
            checks.insert(0, f"≥ {TARGET_MEMBERS_PER_SECOND:,}/s "
                             f"{'PASS' if rate >= TARGET_MEMBERS_PER_SECOND else 'FAIL'}")
        print(f"{r['database']:<11} {r['members']:>10,} {r['seconds']:>9.2f} {rate:>10,.0f} "
              f"{r['floor_seconds']:>8.2f} {floor_rate:>10,.0f} {ratio:>6.1f}   {', '.join(checks)}")
    print()
    for r in results:
        print(f"{r['database']:<11} importer split: read {r['read_seconds']:.2f} s, check and load "
              f"{r['check_and_load_seconds']:.2f} s; {r['households']:,} households, "
              f"{r['audit_rows']:,} audit rows, {r['columns']} columns")
    print(f"targets: SQLite ≥ {TARGET_MEMBERS_PER_SECOND:,} members/s; importer time / floor time ≤ "
          f"{TARGET_RATIO:g} on each database")


if __name__ == "__main__":
    main()
