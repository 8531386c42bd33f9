"""`jingzhun sample --county C --year Y --seed S [--save --user U]`: print the third-party sample a seed
draws (the same seed and the same data draw the same sample), and store it as that province officer."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jingzhun.areas.models import Area
from jingzhun.errors import DomainError
from jingzhun.identification import area_actions
from jingzhun.identification.management.commands.report import LANGUAGES, table
from jingzhun.identification.sampling import stratum_label
from jingzhun.registry.models import Household


class Command(BaseCommand):
    help = "Draw a county's third-party sample from a seed and print it; --save stores it."

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="a county's 12-digit code")
        parser.add_argument("--year", type=int, required=True, help="the year checked")
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--save", action="store_true", help="store the sample (needs --user)")
        parser.add_argument("--user", help="the province officer who draws it")
        parser.add_argument("--language", choices=sorted(LANGUAGES), default="zh-hans")

    def handle(self, *args, county, year, seed, save, user, language, **options):
        with translation.override(LANGUAGES[language]):
            try:
                text = self.draw(county, year, seed, save, user)
            except DomainError as error:
                raise CommandError(str(error.message)) from None
        self.stdout.write(text)

    def draw(self, county: str, year: int, seed: int, save: bool, user: str | None) -> str:
        drawn = area_actions.preview_sample(county, year, seed)
        names = {a.code: a.name for a in Area.objects.filter(code__in=[c for c, _s in drawn.villages])}
        numbers = dict(Household.objects.filter(pk__in=[pk for pk, _v, _s in drawn.households])
                       .values_list("id", "number"))
        strata = "; ".join(f"{stratum_label(name)} {drawn_n}/{size}" for part in drawn.strata.values()
                           for name, (size, drawn_n) in part.items())
        lines = [_("Seed %(seed)s: %(v)s villages, %(h)s households (%(strata)s)") % {
            "seed": seed, "v": len(drawn.villages), "h": len(drawn.households), "strata": strata},
            table([_("village"), pgettext("area", "name"), _("stratum")],
                  [[code, names.get(code, ""), stratum_label(stratum)] for code, stratum in drawn.villages]),
            table([_("household"), _("household number"), _("village"), _("stratum")],
                  [[pk, numbers.get(pk, ""), village, stratum_label(stratum)]
                   for pk, village, stratum in drawn.households])]
        if save:
            actor = get_user_model().objects.filter(username=user).first() if user else None
            if actor is None:
                raise CommandError(_("--save needs --user, a province officer's user name."))
            sample = area_actions.draw_sample(county, year, actor=actor, seed=seed)
            lines.append(_("Stored as sample %(pk)s.") % {"pk": sample.pk})
        return "\n".join(lines)
