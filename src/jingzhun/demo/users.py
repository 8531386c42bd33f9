"""One demo user per role, each with a Post, all sharing one published demo password."""

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from jingzhun.areas.models import Area, Post, Role
from jingzhun.registry.models import Household

from . import names
from .calibration import XIJI

PASSWORD = "jingzhun2026"
PROVINCE, GUYUAN = "640000000000", "640400000000"
XIJI_CODE = XIJI + "000000"
HELPED_HOUSEHOLDS = 5  # Xiji officials helped 5 households each (rules.md, "Helpers")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    area: Area
    unit: str
    title: str = ""  # 职务, as helper records name it


def pick_villages(cadre_village: str | None = None, cadre2_village: str | None = None) -> tuple[str, str]:
    """The cadres' villages: those given, else the Xiji villages with the most households, preferring
    a second village in the first one's township."""
    if cadre_village and cadre2_village:
        return cadre_village, cadre2_village
    counts = {}
    for code in Household.objects.filter(village_id__startswith=XIJI).values_list("village_id", flat=True):
        counts[code] = counts.get(code, 0) + 1
    ranked = sorted(counts, key=lambda code: (-counts[code], code))
    if len(ranked) < 2:
        raise RuntimeError("The demo users need households in at least two Xiji villages.")
    first = ranked[0]
    second = next((code for code in ranked[1:] if code[:9] == first[:9]), ranked[1])
    return first, second


def cast(cadre_village: str, cadre2_village: str) -> list[DemoUser]:
    township_code = cadre_village[:9] + "000"
    areas = Area.objects.in_bulk([PROVINCE, GUYUAN, XIJI_CODE, township_code, cadre_village, cadre2_village])
    township, village, village2 = areas[township_code], areas[cadre_village], areas[cadre2_village]
    return [
        DemoUser("province", Role.PROVINCE_OFFICER, areas[PROVINCE], "宁夏回族自治区扶贫开发办公室"),
        DemoUser("guyuan", Role.PREFECTURE_OFFICER, areas[GUYUAN], "固原市扶贫开发办公室"),
        DemoUser("xiji", Role.COUNTY_OFFICER, areas[XIJI_CODE], "西吉县扶贫开发办公室"),
        DemoUser("township", Role.TOWNSHIP_OFFICER, township, f"{township.name_zh}人民政府"),
        DemoUser("cadre", Role.VILLAGE_CADRE, village, village.name_zh),
        DemoUser("cadre2", Role.VILLAGE_CADRE, village2, village2.name_zh),
        DemoUser("helper", Role.HELPER, village, "西吉县财政局", "科员"),
        DemoUser("auditor", Role.AUDITOR, areas[XIJI_CODE], "西吉县审计局"),
        # Pairing partners' users (demo.partners gives them their PartnerAccount): Fujian, and Xiamen,
        # paired with Xiji.
        DemoUser("fujian", Role.PAIRING_PARTNER, areas[PROVINCE], "福建省人民政府"),
        DemoUser("xiamen", Role.PAIRING_PARTNER, areas[XIJI_CODE], "厦门市人民政府"),
    ]


@transaction.atomic
def create_demo_users(cadre_village: str | None = None, cadre2_village: str | None = None,
                      seed: int = 2013) -> list[DemoUser]:
    """Create (or reset) the demo users; the helper becomes responsible for 5 of the cadre's households."""
    rng = random.Random(seed)
    village, village2 = pick_villages(cadre_village, cadre2_village)
    demo = cast(village, village2)
    # One hash for all: the password is published anyway, and each hash costs ~0.3 s of PBKDF2.
    password = make_password(PASSWORD)
    User = get_user_model()
    for person in demo:
        hui = rng.random() < 0.5
        first_name = names.full_name(rng, names.surname(rng, hui), rng.random() < 0.7, 1975, hui)
        user, _created = User.objects.update_or_create(
            username=person.username, defaults={"first_name": first_name, "password": password,
                                                "is_active": True})
        phone = f"139{rng.randrange(10 ** 8):08d}"
        Post.objects.update_or_create(user=user, defaults={"role": person.role, "area": person.area,
                                                           "unit": person.unit, "title": person.title,
                                                           "phone": phone})
    helper = User.objects.get(username="helper")
    helped = (Household.objects.filter(village_id=village).exclude(status="closed")
              .order_by("number").values_list("pk", flat=True)[:HELPED_HOUSEHOLDS])
    Household.objects.filter(pk__in=list(helped)).update(helper=helper)
    return demo
