"""`jingzhun export -o FILE --user NAME`: the register as a user may see it. `jingzhun export --job ID`
writes a large export asked for on the household list: what that page starts in the background."""

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation

from jingzhun.areas.scope import scope_for
from jingzhun.registry import queries
from jingzhun.registry.export import write_members
from jingzhun.registry.export_jobs import run_export_job
from jingzhun.registry.intake.export_xlsx import write_xlsx
from jingzhun.registry.intake.template import template_sheets
from jingzhun.registry.management.job_bar import run_with_bar
from jingzhun.registry.models import ExportJob

LANGUAGES = {"zh-hans": "zh-hans", "zh": "zh-hans", "en": "en"}


class Command(BaseCommand):
    help = ("Write the register (one row per current member) of a user's area to .xlsx or .csv, scoped and "
            "masked as that user sees it; or, with --template, the blank register with an example row and "
            "notes.")

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="the file to write (.xlsx or .csv)")
        parser.add_argument("--job", type=int, help="write the export job with this number (it holds the "
                            "user, filter and language; the file goes to var/exports/ID/)")
        parser.add_argument("--template", action="store_true", help="write the blank register template")
        parser.add_argument("--user", help="export what this user may see, masked as they see it")
        parser.add_argument("--area", default="", help="only this area (a 12-digit code) inside the scope")
        parser.add_argument("--format", choices=["xlsx", "csv"], help="default: from the output's suffix")
        parser.add_argument("--language", choices=sorted(LANGUAGES), default="zh-hans",
                            help="headers and labels in Chinese (default) or English")

    def handle(self, *args, output, job, template, user, area, format, language, **options):
        if job is not None:
            if output or user or template:
                raise CommandError("--job takes neither --output, --user nor --template: the job holds them.")
            self.run_job(job)
            return
        if not output:
            raise CommandError("Give -o FILE (or --job ID).")
        path = Path(output)
        file_format = format or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
        started = time.perf_counter()
        with translation.override(LANGUAGES[language]):
            if template:
                if file_format != "xlsx":
                    raise CommandError("The template is an .xlsx file.")
                write_xlsx(path, template_sheets())
                self.stdout.write(f"Template written to {path}.")
                return
            if not user:
                raise CommandError("Give --user USERNAME (whose scope and masking apply), or --template.")
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"No user {user!r}.")
            scope = scope_for(account)
            if not scope.exports:
                raise CommandError(f"User {user!r} may not export the register.")
            if area:
                try:
                    queries.visible_area(scope, area)
                except Http404:
                    raise CommandError(f"Area {area!r} is unknown or outside {user!r}'s scope.") from None
            households = queries.search_households(scope, queries.HouseholdFilter(area=area))
            counts = write_members(path, scope, households, file_format)
        elapsed = time.perf_counter() - started
        masked = "" if scope.sees_id_numbers else ", ID numbers masked"
        self.stdout.write(f"{counts.households:,} households, {counts.rows:,} member rows written to {path} "
                          f"in {elapsed:.1f} s{masked}.")

    def run_job(self, job_id: int) -> None:
        if not ExportJob.objects.filter(pk=job_id).exists():
            raise CommandError(f"No export job {job_id}.")
        job = run_with_bar(run_export_job, job_id, "household")
        self.stdout.write(f"job {job.pk}: {job.state} {job.households} households, {job.rows} rows "
                          f"{job.file_path} {job.message}".rstrip())
        if job.state != ExportJob.State.DONE:
            sys.exit(1)
