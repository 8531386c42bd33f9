"""Resident ID numbers that are valid by construction, so no per-row validation is needed.

The first six digits must name an area code that existed in the birth year (the validator warns
otherwise): Ningxia's counties were renumbered in 1983, 1998, 2001-03 and 2009. Each county of today
lists the codes its people were born under, newest first; which years each code covers is read from
python-stdnum's table (via rules.area_code_valid_in), so the table here only says who succeeded whom.
"""

from functools import lru_cache

from stdnum.cn import ric

from jingzhun.registry import rules

from .calibration import HONGSIBAO, HONGSIBAO_FROM_YEAR

# Today's county code -> codes of the same place (or its predecessor that covered it), newest first.
PREDECESSORS = {
    "640104": ("640104", "640102", "640120"),  # 兴庆区 <- 城区 (1983-2002) <- 银川市区
    "640105": ("640105", "640103", "640120"),  # 西夏区 <- 新城区 <- 银川市区
    "640106": ("640106", "640111", "640120"),  # 金凤区 <- 郊区 <- 银川市区
    "640121": ("640121",),  # 永宁县
    "640122": ("640122",),  # 贺兰县
    "640181": ("640181", "640382", "642103", "642125"),  # 灵武市 (吴忠 1998-2002, 银南) <- 灵武县
    "640202": ("640202", "640220"),  # 大武口区 <- 石嘴山市区
    "640205": ("640205", "640223", "640203", "640220"),  # 惠农区 <- 惠农县, 石嘴山区 <- 市区
    "640221": ("640221",),  # 平罗县
    "640302": ("640302", "642101", "642121"),  # 利通区 <- 吴忠市 (银南) <- 吴忠县
    "640323": ("640323", "642126"),  # 盐池县 (吴忠) <- 盐池县 (银南)
    "640324": ("640324", "642127"),  # 同心县
    "640381": ("640381", "642102", "642122"),  # 青铜峡市 <- 青铜峡市 (银南) <- 青铜峡县
    "640402": ("640402", "642221"),  # 原州区 (2001) <- 固原县
    "640422": ("640422", "642223"),  # 西吉县
    "640423": ("640423", "642224"),  # 隆德县
    "640424": ("640424", "642225"),  # 泾源县
    "640425": ("640425", "642226"),  # 彭阳县
    "640502": ("640502", "640321", "642123"),  # 沙坡头区 <- 中卫县 (吴忠, 银南)
    "640521": ("640521", "640322", "642124"),  # 中宁县
    "640522": ("640522", "640421", "642222"),  # 海原县: 中卫 (2003-) <- 固原市 <- 固原地区
    HONGSIBAO: ("640303",),  # 红寺堡区 since 2009; earlier births use the origin county
}
FIRST_YEAR, LAST_YEAR = 1900, 2020


@lru_cache(maxsize=64)
def codes_by_year(county6: str) -> dict[int, str]:
    """Birth year -> the newest code valid that year for someone born in this county's area."""
    table = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        valid = [code for code in PREDECESSORS[county6] if rules.area_code_valid_in(code, year)]
        if valid:
            table[year] = valid[0]
    return table


def birth_code(county6: str, year: int, origin6: str | None = None) -> str:
    """Area code for a person born in `year` and registered in `county6` (origin: Hongsibao's movers)."""
    if county6 == HONGSIBAO and year < HONGSIBAO_FROM_YEAR:
        county6 = origin6
    return codes_by_year(county6)[year]


class IdNumbers:
    """Issues unique numbers; the order digits' parity carries the sex (odd male, even female)."""

    def __init__(self, rng, used: set[str] | None = None):
        self.rng = rng
        self.used = used if used is not None else set()

    def issue(self, area6: str, born: str, male: bool) -> str:
        """A new number for someone born on `born` (YYYYMMDD)."""
        head = area6 + born
        parity = 1 if male else 2  # order 000 is not issued
        randrange, used = self.rng.randrange, self.used
        while True:
            body = f"{head}{randrange(0, 499) * 2 + parity:03d}"
            if body not in used:
                used.add(body)
                return body + ric.calc_check_digit(body + "0")
