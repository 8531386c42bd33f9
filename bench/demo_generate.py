"""Demo generator against a floor measured in the same run.

    .venv/bin/python bench/demo_generate.py [--households N] [--seed S] [--full]

Generates N households into a fresh SQLite database in a temp dir and times it. The floor: the same
rows, read back, inserted with plain sqlite3 executemany into empty tables of the same width (no
indexes, no constraints) in one transaction, with the same pragmas. Prints the ratio of the two.
--full also times the whole `jingzhun demo --households 200000 --no-serve` command.
"""

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

JINGZHUN = Path(sys.executable).parent / "jingzhun"


def generate(tmp: Path, households: int, seed: int):
    os.environ.update(DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}", JINGZHUN_VAR=str(tmp),
                      DJANGO_SETTINGS_MODULE="jingzhun.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jingzhun.areas.loader import load_ningxia
    from jingzhun.demo.generate import generate_region
    from jingzhun.registry.bulk import TABLES, table_and_columns

    call_command("migrate", verbosity=0)
    load_ningxia()
    started = time.perf_counter()
    summary = generate_region(households=households, seed=seed)
    seconds = time.perf_counter() - started
    connection.close()
    tables = {name: table_and_columns(model, fields) for name, (model, fields) in TABLES.items()}
    return summary, seconds, tables


def floor(tmp: Path, tables) -> tuple[float, int]:
    """Seconds to insert the generated rows again, bare; the rows are read before the clock starts."""
    source = sqlite3.connect(tmp / "bench.sqlite3")
    target = sqlite3.connect(tmp / "floor.sqlite3", isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=NORMAL")
    batches = []
    for table, columns in tables.values():
        rows = source.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        target.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
        batches.append((f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})", rows))
    started = time.perf_counter()
    target.execute("BEGIN")
    for sql, rows in batches:
        target.executemany(sql, rows)
    target.execute("COMMIT")
    return time.perf_counter() - started, sum(len(rows) for _sql, rows in batches)


def full_command(households: int = 200000) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": "", "JINGZHUN_VAR": str(Path(tmp) / "var")}
        started = time.perf_counter()
        subprocess.run([str(JINGZHUN), "demo", "--households", str(households), "--no-serve"], cwd=tmp,
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--full", action="store_true", help="also time `jingzhun demo --households 200000`")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        summary, seconds, tables = generate(Path(tmp), args.households, args.seed)
        floor_seconds, floor_rows = floor(Path(tmp), tables)
    rows = sum(summary.rows.values())
    assert rows == floor_rows, (rows, floor_rows)
    print(f"households           {summary.households:>12,}")
    print("rows                 " + ", ".join(f"{name} {count:,}" for name, count in summary.rows.items()))
    print(f"generator            {seconds:>12.2f} s  {rows / seconds:>12,.0f} rows/s  "
          f"{summary.households / seconds:>9,.0f} households/s")
    print(f"floor (bare insert)  {floor_seconds:>12.2f} s  {rows / floor_seconds:>12,.0f} rows/s")
    print(f"ratio                {seconds / floor_seconds:>12.2f}   (generator time / floor time)")
    if args.full:
        print(f"jingzhun demo --households 200000 --no-serve: {full_command():.1f} s wall")


if __name__ == "__main__":
    main()
