"""A handful of procedures under way in the two demo cadres' villages, taken today through the real actions
(registry.actions, identification.actions and procedure), so that signing in as a cadre shows work to do:
an application just recorded, a case whose first public notice is up with an objection waiting for its
answer, and an exit proposed for a household that fell back into poverty in 2021."""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from jingzhun import clock
from jingzhun.identification import actions, procedure
from jingzhun.identification.models import Case
from jingzhun.registry import actions as registry
from jingzhun.registry.models import Household, Income, Member

from . import names
from .ids import IdNumbers, birth_code

LIVE_APPLICANTS = 2  # households registered here (the demo generates the rest)
OBJECTION = "该户家里有人在县城开店，收入可能比登记的高，请核实。"


@dataclass
class LiveCases:
    applied: Case
    on_notice: Case
    exit_proposed: Case | None


def _head(rng, village_code: str, born: datetime.date, male: bool) -> dict:
    hui = rng.random() < 0.5
    used = set()
    ids = IdNumbers(rng, used)
    while True:
        number = ids.issue(birth_code(village_code[:6], born.year), f"{born:%Y%m%d}", male)
        if not Member.objects.filter(id_number=number).exists():
            break
    return {"name": names.full_name(rng, names.surname(rng, hui), male, born.year, hui), "id_number": number,
            "ethnicity": "hui" if hui else "han", "education": "primary", "health": "chronic",
            "labour": "weak", "joined_on": born}


def _applicant(rng, village: str, actor, born: datetime.date, male: bool) -> Household:
    return registry.register_household(actor=actor, village_code=village, registered_year=clock.today().year,
                                       head=_head(rng, village, born, male), status="applicant",
                                       main_cause="illness")


@transaction.atomic
def open_live_cases(cadre_village: str, cadre2_village: str, seed: int = 2013) -> LiveCases:
    rng = random.Random(seed * 31 + 5)
    User = get_user_model()
    cadre, cadre2 = User.objects.get(username="cadre"), User.objects.get(username="cadre2")
    year = clock.today().year - 1  # the last full year's income is evaluated
    first = _applicant(rng, cadre_village, cadre, datetime.date(1968, 3, 14), True)
    applied = actions.apply_for_identification(first, year, actor=cadre, reason="户主患慢性病，无法外出务工")

    second = _applicant(rng, cadre2_village, cadre2, datetime.date(1975, 9, 2), False)
    registry.record_income(second, year, actor=cadre2, wages=1200, production_income=2600,
                           production_costs=900, subsistence_allowance=0)
    registry.record_conditions(second, year, actor=cadre2, food_secure=True, clothing_secure=True,
                               education_secure=True, medical_secure=False, housing_secure=True,
                               water_secure=True)
    on_notice = actions.apply_for_identification(second, year, actor=cadre2, channel=Case.Channel.CADRE)
    actions.record_appraisal(on_notice, actor=cadre2, meeting_on=clock.today(), attendance=38, votes_for=33,
                             votes_against=3, abstentions=2)
    on_notice = actions.take_step(on_notice, "post_notice", actor=cadre2)
    procedure.file_objection(procedure.open_notice(on_notice), text=OBJECTION)

    returned = (Household.objects.filter(village_id=cadre_village, status="returned").order_by("number")
                .first())
    exit_proposed = None
    if returned is not None:
        last = Income.objects.filter(household=returned).order_by("-year").values_list("year", flat=True)[0]
        exit_proposed = actions.propose_exit(returned, last, actor=cadre, reason="产业帮扶后收入已回升")
    return LiveCases(applied, on_notice, exit_proposed)
