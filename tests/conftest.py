"""The shared cast: officers at each level, cadres of village A and B, a helper, an auditor, an outsider,
and factories for households. Areas are the real Ningxia hierarchy, loaded once per test database."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from stdnum.cn import ric

from jingzhun.areas.loader import load_ningxia
from jingzhun.areas.models import Area, Post, Role
from jingzhun.assistance.catalogue import ensure_catalogue
from jingzhun.funds.supervision_rules import ensure_rules
from jingzhun.policy.standards import ensure_standards
from jingzhun.registry.causes import ensure_causes

# Two villages in one township of Xiji county, a third in another county (Yanchi).
PROVINCE = "640000000000"
GUYUAN = "640400000000"
XIJI = "640422000000"
JIQIANG = "640422100000"
VILLAGE_A = "640422100201"
VILLAGE_B = "640422100202"
YANCHI = "640323000000"
VILLAGE_C = "640323100201"

_sequence = itertools.count(1)


def make_id_number(area6: str | None = None, born: datetime.date = datetime.date(1980, 5, 17),
                   sex: str = "M") -> str:
    """A valid resident ID number, unique within a test run; Xiji's code as it was in the birth year."""
    area6 = area6 or ("640422" if born.year >= 2001 else "642223")
    order = (next(_sequence) * 2) % 1000
    order += 1 if sex == "M" else 0
    body = f"{area6}{born:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def ensure_reference_data() -> None:
    """Areas, causes, policy standards, the measures catalogue and the supervision rules; transactional
    tests flush every table, so later tests reload them."""
    if not Area.objects.filter(code=VILLAGE_C).exists():
        load_ningxia()
    ensure_causes()
    ensure_standards()
    ensure_catalogue()
    ensure_rules()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_reference_data()


@pytest.fixture
def reference_data(db):
    ensure_reference_data()


@pytest.fixture(autouse=True)
def _default_language():
    # Management commands deactivate translations and restore only a language that was active, and
    # LocaleMiddleware leaves the thread's language set: each test starts from the default.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.5 s a user; tests check who may do what, not hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str, role: str | None = None, area: str | None = None):
    user = get_user_model().objects.create_user(username, password="pw-" + username)
    if role:
        Post.objects.create(user=user, role=role, area_id=area)
    return user


@pytest.fixture
def cast(reference_data):
    """Users keyed by name. `outsider` has an account but no post, so sees what the public sees."""
    return {
        "province": _user("province", Role.PROVINCE_OFFICER, PROVINCE),
        "prefecture": _user("guyuan", Role.PREFECTURE_OFFICER, GUYUAN),
        "county": _user("xiji", Role.COUNTY_OFFICER, XIJI),
        "other_county": _user("yanchi", Role.COUNTY_OFFICER, YANCHI),
        "township": _user("jiqiang", Role.TOWNSHIP_OFFICER, JIQIANG),
        "cadre_a": _user("cadre_a", Role.VILLAGE_CADRE, VILLAGE_A),
        "cadre_b": _user("cadre_b", Role.VILLAGE_CADRE, VILLAGE_B),
        "helper": _user("helper", Role.HELPER, VILLAGE_A),
        "auditor": _user("auditor", Role.AUDITOR, XIJI),
        "outsider": _user("outsider"),
    }


@pytest.fixture
def make_household(reference_data):
    """Registers a household through the action, as a cadre of its village would."""
    from jingzhun.registry import actions

    def factory(village: str = VILLAGE_A, *, actor, head_name: str = "马德福", size: int = 1,
                id_number: str | None = None, **fields):
        head = {
            "name": head_name,
            "id_number": id_number or make_id_number(),
            "relation": "head",
            "education": "primary",
            "labour": "ordinary",
            "joined_on": datetime.date(2014, 3, 1),
        }
        household = actions.register_household(
            actor=actor, village_code=village, registered_year=fields.pop("registered_year", 2014),
            head=head, **fields)
        for i in range(size - 1):
            actions.add_member(household, actor=actor, name=f"马小{i}", relation="son",
                               id_number=make_id_number(born=datetime.date(2005, 1, 1 + i)),
                               education="junior", labour="none", joined_on=datetime.date(2014, 3, 1))
        return household

    return factory


@pytest.fixture
def yuan():
    return lambda value: Decimal(value).quantize(Decimal("0.01"))
