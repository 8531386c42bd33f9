"""`jingzhun import FILE --user NAME`: check a register file and load it, all or nothing (or --partial).
`jingzhun import --job ID` runs a file uploaded on the import page: what the page starts, and how an
interrupted job is resumed from a terminal."""

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from jingzhun.errors import DomainError
from jingzhun.registry.intake.jobs import run_job
from jingzhun.registry.intake.load import import_table
from jingzhun.registry.intake.read import read_table
from jingzhun.registry.intake.report import write_report
from jingzhun.registry.management.job_bar import run_with_bar
from jingzhun.registry.models import ImportJob


class Command(BaseCommand):
    help = "Import a register file (.xlsx or .csv, one row per member) as a user; errors go to a report."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--user", help="the importing user (their area and role apply)")
        parser.add_argument("--job", type=int,
                            help="run the uploaded import with this number (instead of FILE)")
        parser.add_argument("--partial", action="store_true",
                            help="import every household whose rows are all valid; report the rest")
        parser.add_argument("--report", type=Path, help="where to write the error report "
                            "(default: FILE with .errors before its suffix)")
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args, language: str, job: int | None, **options):
        if job is not None:
            if options["file"] or options["user"]:
                raise CommandError("--job takes neither FILE nor --user: the job holds both.")
            self.run_job(job)
            return
        if not options["file"] or not options["user"]:
            raise CommandError("Give FILE and --user (or --job ID).")
        with translation.override(language):
            self.run(**options)

    def run_job(self, job_id: int) -> None:
        if not ImportJob.objects.filter(pk=job_id).exists():
            raise CommandError(f"No import job {job_id}.")
        job = run_with_bar(run_job, job_id, "row")
        self.stdout.write(f"job {job.pk}: {job.state} {job.summary} {job.message}".rstrip())
        if job.report_path:
            self.stdout.write(f"report: {job.report_path}")
        if job.state != ImportJob.State.DONE:
            sys.exit(1)

    def run(self, *, file: Path, user: str, partial: bool, report: Path | None, **options):
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"No user named {user!r}.")
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        from tqdm import tqdm

        started = time.perf_counter()
        try:
            table = read_table(file)
            with tqdm(total=table.row_count * 2, unit="row", file=sys.stderr, disable=None) as bar:
                result = import_table(table, actor=actor, name=file.name, partial=partial,
                                      progress=bar.update)
        except DomainError as error:
            raise CommandError(error.message) from None
        elapsed = time.perf_counter() - started
        errors = result.errors
        problem_rows = {p.row for p in errors}
        self.stdout.write(
            f"households created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
            f"rejected {result.rejected}; members created {result.members_created}, "
            f"updated {result.members_updated}; {result.likely_duplicates} likely duplicates flagged; "
            f"{len(errors)} errors on {len(problem_rows)} rows; "
            f"{elapsed:.1f} s")
        if result.problems:
            target = report or file.with_name(f"{file.stem}.errors{file.suffix}")
            write_report(result.checked, target, imported=result.written)
            self.stdout.write(f"report: {target}")
        if not result.written:
            self.stdout.write("nothing was imported.")
        if errors:
            sys.exit(1)
