"""The demo's pairing partners: Fujian and Ningxia (east–west cooperation since 1996, magnitudes from a
published report), Fujian's nine cities each paired with one of Ningxia's nine poor counties (the demo's
own assignment, not the published one), and a few fixed-point and social partners named as demo
examples; each pairing's commitments for 2016-2021 and what was delivered against them. Not written to the
area trail (Change)."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from jingzhun import clock
from jingzhun.assistance.models import Commitment, Delivery, Indicator, Pairing, Partner, PartnerAccount
from jingzhun.assistance.models.pairing import UNITS, Unit

from . import calibration as cal

TZ = ZoneInfo("Asia/Shanghai")
YEARS = range(2016, 2022)
PROVINCE = "640000000000"
SEED_SOURCE = ("China Daily, 2020-07-08, \u201cPairing-up program reduces poverty in remote Ningxia\u201d: "
               "Fujian has paired with Ningxia since 1996; by 2020 1.93 bn yuan from Fujian's provincial "
               "finance and 711 M from its cities, counties and districts, e-commerce and livestream sales "
               "of 757 M yuan, over 80,000 workers.")
CITY_SOURCE = "Demo assignment of a Fujian city to a Ningxia poor county: not the published pairing."
DEMO_SOURCE = "Demo example: not a real partner or pairing."
# The demo's city ↔ county pairs, Xiamen with Xiji (the demo county).
CITIES = (("福州市", "Fuzhou", cal.YUANZHOU, 0.15), ("厦门市", "Xiamen", cal.XIJI, 0.15),
          ("莆田市", "Putian", cal.LONGDE, 0.10), ("三明市", "Sanming", cal.JINGYUAN, 0.09),
          ("泉州市", "Quanzhou", cal.PENGYANG, 0.14), ("漳州市", "Zhangzhou", cal.HAIYUAN, 0.11),
          ("南平市", "Nanping", cal.TONGXIN, 0.09), ("龙岩市", "Longyan", cal.HONGSIBAO, 0.09),
          ("宁德市", "Ningde", cal.YANCHI, 0.08))
OTHERS = (("中央单位甲", "Central organ A (demo)", Partner.Kind.CENTRAL_ORGAN, cal.HAIYUAN),
          ("中央企业乙", "Central enterprise B (demo)", Partner.Kind.ENTERPRISE, cal.XIJI),
          ("驻宁部队丙", "Army unit C (demo)", Partner.Kind.ARMY, cal.TONGXIN),
          ("公益基金会丁", "Social organisation D (demo)", Partner.Kind.SOCIAL_ORG, cal.YUANZHOU),
          ("爱心人士戊", "Donor E (demo)", Partner.Kind.DONOR, cal.LONGDE))
IND = Indicator
# Fujian's own yearly figures (assumed profile; totals from the report: provincial finance 1.93 bn over
# 1996-2020, most of it in the years of targeted poverty alleviation; sales of 757 M in 2020; workers
# summing to about 80,000 with the cities'; teachers and doctors by the hundred, cadres by the dozen).
PROVINCE_PLAN = {
    IND.FUNDS: {2016: 180e6, 2017: 230e6, 2018: 290e6, 2019: 330e6, 2020: 360e6, 2021: 300e6},
    IND.PRODUCTS: {2018: 80e6, 2019: 200e6, 2020: 757e6, 2021: 600e6},
    IND.WORKERS: {2016: 6000, 2017: 7000, 2018: 8000, 2019: 9000, 2020: 10000, 2021: 9000},
    IND.PROFESSIONALS: {2016: 150, 2017: 180, 2018: 220, 2019: 260, 2020: 300, 2021: 240},
    IND.CADRES: {2016: 12, 2017: 14, 2018: 16, 2019: 18, 2020: 20, 2021: 15},
    IND.ENTERPRISES: {2016: 40, 2017: 60, 2018: 80, 2019: 100, 2020: 120, 2021: 90},
}
# The cities' funds: 711 M over 1996-2020, about three quarters of it in 2016-2020 (assumed), rising.
CITY_FUNDS = {2016: 64e6, 2017: 85e6, 2018: 107e6, 2019: 128e6, 2020: 149e6, 2021: 140e6}
CITY_RANGES = {IND.CADRES: (2, 5), IND.PROFESSIONALS: (15, 50), IND.WORKERS: (300, 700),
               IND.PROJECTS: (5, 20)}
OTHER_RANGES = {
    Partner.Kind.CENTRAL_ORGAN: {IND.FUNDS: (10e6, 30e6), IND.CADRES: (2, 4), IND.PROFESSIONALS: (10, 30)},
    Partner.Kind.ENTERPRISE: {IND.FUNDS: (20e6, 50e6), IND.PRODUCTS: (5e6, 20e6), IND.WORKERS: (100, 400)},
    Partner.Kind.ARMY: {IND.FUNDS: (2e6, 6e6), IND.PROJECTS: (3, 8)},
    Partner.Kind.SOCIAL_ORG: {IND.FUNDS: (1e6, 5e6), IND.PROJECTS: (2, 6)},
    Partner.Kind.DONOR: {IND.FUNDS: (0.5e6, 2e6)},
}
WHAT = {IND.FUNDS: ("财政援助资金：产业项目", "援建村级扶贫车间", "劳务协作补贴", "援建学校和卫生室"),
        IND.PRODUCTS: ("消费扶贫：电商直播销售农特产品", "采购马铃薯及制品", "采购滩羊肉和枸杞"),
        IND.WORKERS: ("组织贫困劳动力赴闽务工", "就近就业扶贫车间吸纳"),
        IND.PROFESSIONALS: ("选派支教教师", "选派医疗专家"),
        IND.CADRES: ("选派挂职干部",), IND.ENTERPRISES: ("引导闽籍企业落地投资",),
        IND.PROJECTS: ("援建菌草种植基地", "援建饮水工程", "援建产业路")}
UNDER_SHARE = 0.15  # pairing-years delivering well under the commitment (assumed)
CONFIRMED_SHARE = 0.85  # of Xiji's deliveries, confirmed by its officer (assumed)
DUPLICATE = "重复录入，已删除重复的一条"


@dataclass
class PartnerSummary:
    partners: int = 0
    pairings: int = 0
    commitments: int = 0
    deliveries: int = 0


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def _county(code6: str) -> str:
    return f"{code6}000000"


def _whole(indicator: str) -> bool:
    return UNITS[indicator] != Unit.YUAN


def _parts(rng, total: Decimal, indicator: str) -> list[Decimal]:
    """`total` in a few deliveries: yuan in hundreds, persons and counts whole."""
    count = 3 + int(rng.random() * 4) if not _whole(indicator) else 2 + int(rng.random() * 3)
    step = Decimal(1) if _whole(indicator) else Decimal(100)
    units = int(total / step)
    count = max(1, min(count, units))
    weights = [0.5 + rng.random() for _ in range(count)]
    shares = [int(units * w / sum(weights)) for w in weights]
    shares[-1] += units - sum(shares)
    return [(step * s).quantize(Decimal("0.01")) for s in shares if s > 0]


class Builder:
    def __init__(self, rng, users: dict, today: datetime.date):
        self.rng, self.users, self.today = rng, users, today
        self.commitments, self.deliveries = [], []

    def commit(self, pairing: Pairing, year: int, indicator: str, amount: float, recorder, counties) -> None:
        rng = self.rng
        step = 1 if _whole(indicator) else 10000
        committed = Decimal(max(step, round(amount / step) * step)).quantize(Decimal("0.01"))
        recorded = datetime.date(year, 3, 1) + datetime.timedelta(days=int(rng.random() * 30))
        self.commitments.append(Commitment(pairing=pairing, year=year, indicator=indicator, amount=committed,
                                           recorded_by=recorder, recorded_at=_at(recorded)))
        ratio = 0.7 + rng.random() * 0.2 if rng.random() < UNDER_SHARE else 0.95 + rng.random() * 0.13
        parts = _parts(rng, committed * Decimal(str(round(ratio, 4))), indicator)
        days = sorted(datetime.date(year, 1, 10) + datetime.timedelta(days=int(rng.random() * 344))
                      for _ in parts)
        for amount_, day in zip(parts, days, strict=True):
            county = counties[int(rng.random() * len(counties))] if len(counties) > 1 else counties[0]
            recorded_at = _at(min(day + datetime.timedelta(days=1 + int(rng.random() * 10)), self.today))
            delivery = Delivery(pairing=pairing, year=year, indicator=indicator, amount=amount_,
                                delivered_on=day, area_id=_county(county), note=rng.choice(WHAT[indicator]),
                                recorded_by=recorder, recorded_at=recorded_at)
            if county == cal.XIJI and rng.random() < CONFIRMED_SHARE and self.users.get("xiji"):
                delivery.confirmed_by = self.users["xiji"]
                delivery.confirmed_at = recorded_at + datetime.timedelta(days=2 + int(rng.random() * 18))
            self.deliveries.append(delivery)

    def duplicate(self, pairing: Pairing, withdrawer) -> None:
        """A delivery entered twice, the copy withdrawn by whoever entered it."""
        entered = [d for d in self.deliveries if d.pairing is pairing and d.confirmed_at is None]
        if not entered:
            return
        original = entered[int(self.rng.random() * len(entered))]
        copy = Delivery(pairing=pairing, year=original.year, indicator=original.indicator,
                        amount=original.amount, delivered_on=original.delivered_on, area_id=original.area_id,
                        note=original.note, recorded_by=original.recorded_by,
                        recorded_at=original.recorded_at + datetime.timedelta(hours=2))
        copy.withdrawn_by, copy.withdrawn_reason = withdrawer, DUPLICATE
        copy.withdrawn_at = copy.recorded_at + datetime.timedelta(days=1)
        self.deliveries.append(copy)


def _account(user, partner: Partner) -> None:
    if user is not None:
        PartnerAccount.objects.update_or_create(user=user, defaults={"partner": partner})


@transaction.atomic
def build_partners(seed: int = 2013) -> PartnerSummary:
    rng = random.Random(seed * 15485863 + 96)
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["fujian", "xiamen", "xiji"])}
    fujian_user, xiamen_user = users.get("fujian"), users.get("xiamen")
    builder = Builder(rng, users, clock.today())
    fujian = Partner.objects.create(name_zh="福建省", name_en="Fujian", kind=Partner.Kind.EAST_WEST,
                                    level=Partner.Level.PROVINCE, home="福建省", source=SEED_SOURCE)
    pair = Pairing.objects.create(partner=fujian, area_id=PROVINCE, start_year=1996, source=SEED_SOURCE,
                                  verified=True)
    for indicator, by_year in PROVINCE_PLAN.items():
        for year, amount in by_year.items():
            builder.commit(pair, year, indicator, amount * (0.95 + rng.random() * 0.1), fujian_user,
                           cal.POOR_COUNTIES)
    partners, pairings = [fujian], [pair]
    for name_zh, name_en, county, weight in CITIES:
        city = Partner.objects.create(name_zh=name_zh, name_en=name_en, kind=Partner.Kind.EAST_WEST,
                                      level=Partner.Level.CITY, parent=fujian, home=f"福建省{name_zh}",
                                      source=CITY_SOURCE)
        pairing = Pairing.objects.create(partner=city, area_id=_county(county), start_year=2016,
                                         source=CITY_SOURCE)
        recorder = xiamen_user if name_en == "Xiamen" else None
        if name_en == "Xiamen":
            _account(xiamen_user, city)
        for year in YEARS:
            builder.commit(pairing, year, IND.FUNDS, CITY_FUNDS[year] * weight * (0.9 + rng.random() * 0.2),
                           recorder, (county,))
            for indicator, (low, high) in CITY_RANGES.items():
                builder.commit(pairing, year, indicator, low + rng.random() * (high - low), recorder,
                               (county,))
        partners.append(city)
        pairings.append(pairing)
        if name_en == "Xiamen":
            builder.duplicate(pairing, xiamen_user)
    builder.duplicate(pair, fujian_user)
    for name_zh, name_en, kind, county in OTHERS:
        partner = Partner.objects.create(name_zh=name_zh, name_en=name_en, kind=kind, source=DEMO_SOURCE)
        pairing = Pairing.objects.create(partner=partner, area_id=_county(county), start_year=2015,
                                         source=DEMO_SOURCE)
        for year in YEARS:
            for indicator, (low, high) in OTHER_RANGES[kind].items():
                builder.commit(pairing, year, indicator, low + rng.random() * (high - low), None, (county,))
        partners.append(partner)
        pairings.append(pairing)
    _account(fujian_user, fujian)
    Commitment.objects.bulk_create(builder.commitments)
    Delivery.objects.bulk_create(builder.deliveries)
    return PartnerSummary(len(partners), len(pairings), len(builder.commitments), len(builder.deliveries))
