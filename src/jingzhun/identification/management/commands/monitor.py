"""`jingzhun monitor --year 2021 --area 640422000000 --user xiji`: flag the households at risk of returning
to poverty in an area for a year, as that user, and print the counts per group."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from jingzhun.errors import DomainError
from jingzhun.identification.models import Risk
from jingzhun.identification.monitoring import flag_risks

LANGUAGES = {"zh-hans": "zh-hans", "zh": "zh-hans", "en": "en"}


class Command(BaseCommand):
    help = ("Flag every household of an area at risk of returning to poverty in a year (one risk per "
            "household and year; risks already flagged are left alone) and print the counts per group.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the income year checked")
        parser.add_argument("--area", required=True, help="a 12-digit area code inside the user's area")
        parser.add_argument("--user", required=True, help="who flags: a village cadre, township or county "
                            "officer of the area")
        parser.add_argument("--language", choices=sorted(LANGUAGES), default="zh-hans",
                            help="labels in Chinese (default) or English")

    def handle(self, *args, year, area, user, language, **options):
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"No user {user!r}.")
        with translation.override(LANGUAGES[language]):
            started = time.perf_counter()
            try:
                counts = flag_risks(area, year, actor=actor)
            except DomainError as error:
                raise CommandError(str(error.message)) from None
            labels = {**dict(Risk.Group.choices), "scanned": _("households checked"),
                      "existing": _("already flagged for the year"),
                      "fallen_back": _("exited households below the poverty line"),
                      "no_income": _("no income recorded for the year")}
            keys = ("scanned", *Risk.Group.values, "existing", "fallen_back", "no_income")
            lines = [f"{labels[key]}: {counts[key]:,}" for key in keys]
            lines.append(f"({time.perf_counter() - started:.1f} s)")
        self.stdout.write("\n".join(lines))
