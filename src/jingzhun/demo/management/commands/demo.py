import time
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import translation

from jingzhun.analytics import snapshot
from jingzhun.areas.loader import load_ningxia
from jingzhun.areas.models import Role
from jingzhun.assistance.catalogue import ensure_catalogue
from jingzhun.demo.assistance import build_assistance
from jingzhun.demo.funds import build_funds
from jingzhun.demo.generate import generate_region
from jingzhun.demo.live_cases import LIVE_APPLICANTS, open_live_cases
from jingzhun.demo.partners import build_partners
from jingzhun.demo.teams import build_teams
from jingzhun.demo.users import PASSWORD, create_demo_users
from jingzhun.demo.verification import verify_and_monitor
from jingzhun.demo.years import run_years
from jingzhun.policy.standards import ensure_standards
from jingzhun.registry.causes import ensure_causes

MIN_HOUSEHOLDS = 50


class Command(BaseCommand):
    help = ("Build a fresh database holding a synthetic Ningxia registry (end of 2019) and demo users, "
            "then serve it.")

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=20000)
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="build the database and stop")
        parser.add_argument("--seed", type=int, default=2013)

    def handle(self, *args, households, port, no_serve, seed, **options):
        if households < MIN_HOUSEHOLDS:
            raise CommandError(f"--households must be at least {MIN_HOUSEHOLDS}: the demo users need "
                               "households in two Xiji villages.")
        started = time.perf_counter()
        self.say(f"Fresh database: {self.fresh_database()}")
        areas = load_ningxia()
        self.say(f"Loaded {areas:,} Ningxia areas.")
        # The live cases register their applicants through the registry: N households in all.
        summary = generate_region(households=households - LIVE_APPLICANTS, seed=seed, progress=True)
        years = run_years(summary.fates, seed=seed, progress=True, showcase=summary.cadre_village)
        self.years_summary(years)
        demo = create_demo_users(summary.cadre_village, summary.cadre2_village, seed=seed)
        samples, risks = verify_and_monitor(seed)
        live = open_live_cases(summary.cadre_village, summary.cadre2_village, seed=seed)
        flagged = sum(risks.get(group, 0) for group in ("unstable", "marginal", "hardship"))
        self.say(f"Third-party samples of {len(samples)} counties, {flagged:,} households at risk flagged in "
                 f"Xiji for 2021; under way in the cadres' villages: {LIVE_APPLICANTS} identifications "
                 "(one on notice with an objection to answer), "
                 f"{int(bool(live.exit_proposed))} exit proposed.")
        self.assistance_summary(build_assistance(summary.cadre_village, seed=seed, progress=True),
                                build_teams(seed), build_partners(seed))
        self.funds_summary(build_funds(seed, progress=True))
        self.analytics_snapshot()
        elapsed = time.perf_counter() - started
        self.say("")
        self.sign_in_table(demo)
        self.say(f"\nSign in at http://127.0.0.1:{port}/ as any user above, password {PASSWORD}.")
        self.say(f"Built in {elapsed:.1f} s (generator {summary.seconds:.1f} s): {households:,} "
                 f"households, {summary.members:,} members, {summary.incomes:,} incomes, "
                 f"{summary.poor_villages:,} poor villages, {summary.likely_duplicates:,} likely duplicates "
                 f"to decide.")
        if not no_serve:
            call_command("serve", port=port)

    def fresh_database(self) -> str:
        db = settings.DATABASES["default"]
        name = str(db["NAME"])
        if connection.vendor == "sqlite" and name and ":memory:" not in name and "mode=memory" not in name:
            path = Path(name)
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
            call_command("migrate", verbosity=0, interactive=False)
            return str(path)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("flush", verbosity=0, interactive=False)
        ensure_causes()  # flush empties the migration's data too
        ensure_standards()
        ensure_catalogue()
        return f"{connection.vendor} database {db['NAME']}"

    def sign_in_table(self, demo) -> None:
        rows = [("username", "role", "", "area", "", "password")]
        for user in demo:
            label = Role(user.role).label
            with translation.override("en"):
                english = str(label)
            with translation.override("zh-hans"):
                chinese = str(label)
            rows.append((user.username, chinese, english, user.area.name_zh, user.area.name_en, PASSWORD))
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        for number, row in enumerate(rows):
            self.say("  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if number == 0:
                self.say("  ".join("-" * width for width in widths))

    def years_summary(self, years) -> None:
        rows = years.rows
        self.say(f"Years 2014-2021 in {years.seconds:.1f} s: {rows['case']:,} household procedures "
                 f"({rows['event']:,} steps, {rows['notice']:,} notices, {rows['objection']:,} objections), "
                 f"{years.exited_2020:,} households exited in 2020, {years.returned_2021:,} returned in "
                 "2021, "
                 f"{years.village_exits:,} village and {len(years.county_reports)} county exits, "
                 f"{rows['hardship']:,} hardships in 2021.")
        line = ", ".join(f"{report['area']['name_en']} {report['year']} {report['incidence']['percent']}"
                         for report in years.county_reports.values())
        self.say(f"County exits (year evaluated, poverty incidence): {line}.")

    def assistance_summary(self, help_, teams, partners) -> None:
        self.say(f"Assistance in {help_.seconds:.1f} s: {help_.helpers:,} helpers for {help_.households:,} "
                 f"registered households ({help_.reassigned:,} reassigned), {help_.plans:,} plans with "
                 f"{help_.measures:,} measures ({help_.open_measures:,} open), "
                 f"{help_.visits - help_.planned_visits:,} visits in the last six months and "
                 f"{help_.planned_visits:,} planned ({help_.unvisited:,} households unvisited for over 90 "
                 f"days); {teams[0]:,} work teams in {teams[1]:,} poor villages; {partners.partners} pairing "
                 f"partners in {partners.pairings} pairings, {partners.commitments:,} commitments, "
                 f"{partners.deliveries:,} deliveries.")

    def funds_summary(self, money) -> None:
        mutual, rate = money.mutual, money.mutual.rate or 0
        planted = ", ".join(f"{count} {code}" for code, count in sorted(money.anomalies.items()))
        scan = ("no supervision scan (no province officer)" if money.flags is None
                else f"{money.flags:,} open supervision flags after the scan")
        self.say(f"Funds 2014-2021 and mutual funds in {money.seconds:.1f} s: {money.funds:,} funds received "
                 f"{money.received / 100:,.0f} yuan in {money.entries:,} ledger entries "
                 f"({money.reversals} mistakes reversed), {money.paid_households / 100:,.0f} yuan paid to "
                 f"households; {money.projects:,} projects with {money.beneficiaries:,} beneficiaries; "
                 f"anomalies planted: {planted}; {scan}. Village mutual funds in {mutual.funds:,} villages: "
                 f"{mutual.members:,} members, {mutual.loans:,} loans ({mutual.installments:,} installments, "
                 f"{mutual.repayments:,} repayments), repayment rate {rate * 100:.1f}%, {mutual.overdue:,} "
                 f"loans overdue today, {mutual.written_off:,} written off.")

    def analytics_snapshot(self) -> None:
        """The dashboards' Parquet snapshot, once everything is written: the first dashboard opened then
        finds it current instead of building it while the reader waits."""
        started = time.perf_counter()
        path = snapshot.build()
        rows = pq.read_metadata(path).num_rows
        self.say(f"Analytics snapshot of the registry in {time.perf_counter() - started:.1f} s: {rows:,} "
                 f"households by year, {path}.")

    def say(self, text: str) -> None:
        self.stdout.write(text)


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
