"""The demo's responsible helpers: officials of county departments and state enterprises, each answering
for about the norm's number of households (Xiji's 5) in one village or, where villages are small, in
their township; some took over from a predecessor who was transferred, so the history has two rows.

Drawn as plain tuples (ids reserved by the caller); demo.assistance writes them in bulk.
"""

import datetime
from dataclasses import dataclass, field

from jingzhun.areas.models import Role

from . import calibration as cal
from . import names
from .household import MOBILE_PREFIXES

SMALL_VILLAGE = 3  # villages with fewer registered households share township helpers (assumed)
REASSIGNED_SHARE = 0.15  # helpers who took over from a transferred predecessor (assumed)
LAST_HANDOVER = datetime.date(2020, 12, 31)
DEPARTMENTS = ("财政局", "教育局", "卫生健康局", "农业农村局", "水务局", "交通运输局", "自然资源局",
               "人力资源和社会保障局", "民政局", "住房和城乡建设局", "林业和草原局", "市场监督管理局",
               "发展和改革局", "统计局", "审计局", "司法局", "文化旅游广电局", "生态环境局")
PARTY_OFFICES = ("委组织部", "委宣传部", "委统战部", "委政法委")
ENTERPRISES = ("国网{county}供电公司", "中国移动{county}分公司", "中国农业银行{county}支行",
               "{county}农村信用合作联社", "中国邮政{county}分公司", "中国电信{county}分公司")
TITLES = names.Weighted({"科员": 45, "副主任科员": 12, "主任科员": 8, "副科长": 15, "科长": 10, "副局长": 4,
                         "办事员": 6})
END_REASONS = ("工作调动", "工作调动", "退休", "岗位调整", "干部轮岗")
TAKE_OVER = "接替原帮扶责任人"


@dataclass(slots=True)
class Group:
    """One helper and the households (Home ids, ordered) they answer for."""

    area: str  # the village, or the township (9 digits + 000) of small villages
    households: list
    user: int | None = None  # an existing user (the demo's `helper`), else a new one is drawn
    handover: datetime.date | None = None  # a predecessor answered until this day
    end_reason: str = ""
    person: int | None = None  # index in Staff.people of the new helper
    predecessor: int | None = None  # index in Staff.people of the predecessor


@dataclass
class Person:
    username: str
    first_name: str
    area: str
    unit: str
    title: str
    phone: str
    active: bool = True  # predecessors no longer help: their accounts are closed, their posts kept


@dataclass
class Staff:
    """The helpers drawn: new users, groups (with their helper's user id once known) and predecessors."""

    people: list = field(default_factory=list)  # Person, in user-id order
    groups: list = field(default_factory=list)


def split(items: list, parts: int) -> list[list]:
    """`items` in `parts` contiguous runs of near-equal size."""
    size, extra = divmod(len(items), parts)
    runs, start = [], 0
    for number in range(parts):
        end = start + size + (number < extra)
        runs.append(items[start:end])
        start = end
    return runs


def group_households(by_village: dict[str, list], norm: int) -> list[Group]:
    """Households (ids, ordered) of each village into helpers' groups of about `norm`."""
    groups, pooled = [], {}
    for village in sorted(by_village):
        homes = by_village[village]
        if len(homes) < SMALL_VILLAGE:
            pooled.setdefault(village[:9] + "000", []).extend(homes)
            continue
        for run in split(homes, max(1, round(len(homes) / norm))):
            groups.append(Group(village, run))
    for township in sorted(pooled):
        homes = pooled[township]
        for run in split(homes, max(1, round(len(homes) / norm))):
            groups.append(Group(township, run))
    return groups


class Phones:
    """Mobile numbers never used before in the demo."""

    def __init__(self, rng, used: set[str]):
        self.rng, self.used = rng, used

    def draw(self) -> str:
        while True:
            number = f"{MOBILE_PREFIXES[int(self.rng.random() * len(MOBILE_PREFIXES))]}" \
                     f"{int(self.rng.random() * 10 ** 8):08d}"
            if number not in self.used:
                self.used.add(number)
                return number


def unit_name(rng, county_name: str) -> str:
    roll = rng.random()
    if roll < 0.7:
        return county_name + DEPARTMENTS[int(rng.random() * len(DEPARTMENTS))]
    if roll < 0.8:
        return county_name + PARTY_OFFICES[int(rng.random() * len(PARTY_OFFICES))]
    return ENTERPRISES[int(rng.random() * len(ENTERPRISES))].format(county=county_name)


def person(rng, number: int, area: str, county_name: str, phones: Phones) -> Person:
    hui = rng.random() < cal.HUI_SHARE.get(area[:6], 0.3) * 0.6  # officials: fewer Hui than villagers
    male = rng.random() < 0.68
    born = 1965 + int(rng.random() * 32)
    return Person(f"h{number}", names.full_name(rng, names.surname(rng, hui), male, born, hui), area,
                  unit_name(rng, county_name), TITLES.draw(rng), phones.draw())


def draw_staff(rng, groups: list[Group], registered_on: dict[int, datetime.date], county_names: dict,
               phones: Phones) -> Staff:
    """A new helper for each group without one, and for some a predecessor who answered from the
    households' registration until a handover before the end of 2020."""
    staff = Staff(groups=groups)
    for group in groups:
        county_name = county_names[group.area[:6]]
        if group.user is None:
            group.person = len(staff.people)
            staff.people.append(person(rng, len(staff.people) + 1, group.area, county_name, phones))
        latest = max(registered_on[h] for h in group.households)
        first_day = latest + datetime.timedelta(days=60)
        if rng.random() < REASSIGNED_SHARE and first_day < LAST_HANDOVER:
            span = (LAST_HANDOVER - first_day).days
            group.handover = first_day + datetime.timedelta(days=int(rng.random() * span))
            group.end_reason = END_REASONS[int(rng.random() * len(END_REASONS))]
            group.predecessor = len(staff.people)
            staff.people.append(person(rng, len(staff.people) + 1, group.area, county_name, phones))
            staff.people[-1].active = False
    return staff


def user_rows(staff: Staff, ids, password: str, joined: str) -> tuple[list, list]:
    """auth_user and areas_post rows of the new helpers (ids: one reserved per person)."""
    users, posts = [], []
    for user_id, p in zip(ids, staff.people, strict=True):
        users.append((user_id, password, None, False, p.username, p.first_name, "", "", False, p.active,
                      joined))
        posts.append((user_id, Role.HELPER, p.area, p.unit, p.title, p.phone))
    return users, posts


def assign_users(staff: Staff, ids) -> dict[int, tuple[int, int | None]]:
    """Each group's helper and predecessor user ids (ids: those reserved for Staff.people); returns
    household id -> (helper, predecessor or None)."""
    ids = list(ids)
    helpers = {}
    for group in staff.groups:
        if group.person is not None:
            group.user = ids[group.person]
        predecessor = ids[group.predecessor] if group.predecessor is not None else None
        for household in group.households:
            helpers[household] = (group.user, predecessor)
    return helpers
