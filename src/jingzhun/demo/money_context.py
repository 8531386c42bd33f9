"""What the demo's money step reads back from the steps before it: counties and villages, poor villages and
their exit years, the registered households of each village, the measures the helpers' plans delivered,
and the pairing partners' deliveries of funds. Read in a few queries; days as ordinals, money in fen."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection

from jingzhun import clock
from jingzhun.areas.models import Area, AreaFlag, Level
from jingzhun.assistance.models import Delivery, Indicator
from jingzhun.policy import queries as policy

from .villages import short_name

REGISTERED = ("poor", "exited", "returned")
# Measures whose money the poverty funds pay to households, and the two that become projects or loans.
SUBSIDIES = ("housing_renovation", "industry", "education_subsidy", "vocational_subsidy", "skills_training")
OTHER_MEASURES = ("relocation", "mutual_fund_loan")


@dataclass(slots=True)
class Home:
    id: int
    village: str
    status: str
    registered_year: int
    number: str


@dataclass(slots=True)
class Delivered:
    """A measure of a household's plan, delivered: who, what, how much (fen), when (ordinal)."""

    household: int
    village: str
    code: str
    amount: int
    on: int


@dataclass
class Context:
    today: datetime.date
    counties: dict[str, str]  # 6-digit code -> Chinese name
    names: dict[str, str]  # village code -> short Chinese name (村)
    poor: dict[str, int | None]  # poor village -> the year it left (None: still poor at the flag's end)
    homes: dict[str, list[Home]]  # village -> its households (any status but applicant), by id
    delivered: dict[str, list[Delivered]]  # measure code -> deliveries, by household and day
    pairing: list[tuple]  # (partner id, partner name, county6, year, fen, ordinal, note)
    officer: int | None  # the Xiji county officer keeps Xiji's books
    standards: object = field(repr=False, default=None)

    def registered(self, village: str, year: int | None = None) -> list[int]:
        """Registered households of the village (by the end of `year`, when given)."""
        return [h.id for h in self.homes.get(village, ())
                if h.status in REGISTERED and (year is None or h.registered_year <= year)]

    def standard(self, key: str, year: int, area: str):
        return self.standards.value(key, year, area).value


def fen(value) -> int:
    return int(round(float(value) * 100))


def read_context() -> Context:
    counties = {code[:6]: name for code, name in
                Area.objects.filter(level=Level.COUNTY).values_list("code", "name_zh")}
    names = {code: short_name(name) for code, name in
             Area.objects.filter(level=Level.VILLAGE).values_list("code", "name_zh")}
    poor = dict(AreaFlag.objects.filter(kind=AreaFlag.Kind.POOR_VILLAGE).order_by("area_id", "start_year")
                .values_list("area_id", "end_year"))
    homes = defaultdict(list)
    delivered = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, village_id, status, registered_year, number FROM registry_household "
                       "WHERE status <> 'applicant' ORDER BY id")
        for pk, village, status, year, number in cursor.fetchall():
            homes[village].append(Home(pk, village, status, year, number))
        codes = (*SUBSIDIES, *OTHER_MEASURES)
        marks = ", ".join(["%s"] * len(codes))
        cursor.execute("SELECT p.household_id, h.village_id, m.measure_id, m.amount, m.delivered_on "
                       "FROM assistance_plannedmeasure m JOIN assistance_plan p ON p.id = m.plan_id "
                       "JOIN registry_household h ON h.id = p.household_id "
                       f"WHERE m.state = 'delivered' AND m.measure_id IN ({marks}) "
                       "ORDER BY p.household_id, m.delivered_on, m.id", list(codes))
        for household, village, code, amount, on in cursor.fetchall():
            day = on if isinstance(on, datetime.date) else datetime.date.fromisoformat(str(on)[:10])
            delivered[code].append(Delivered(household, village, code, fen(amount or 0), day.toordinal()))
    pairing = [(d.pairing.partner_id, d.pairing.partner.name_zh, d.area_id[:6], d.year, fen(d.amount),
                d.delivered_on.toordinal(), d.note)
               for d in Delivery.objects.filter(indicator=Indicator.FUNDS, withdrawn_at__isnull=True)
               .select_related("pairing__partner").order_by("delivered_on", "id")]
    officer = get_user_model().objects.filter(username="xiji").values_list("id", flat=True).first()
    return Context(clock.today(), counties, names, poor, dict(homes), dict(delivered), pairing, officer,
                   policy.standards())
