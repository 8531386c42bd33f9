"""Chinese names with a Ningxia flavour: 马 leads among the Hui, given names follow the generation."""

from bisect import bisect
from itertools import accumulate


class Weighted:
    """A fast weighted draw: one random() and a bisect, instead of random.choices per call."""

    def __init__(self, weights: dict):
        self.items = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def draw(self, rng):
        return self.items[bisect(self.cum, rng.random() * self.total)]


# Surname weights: assumed, not published (common surnames of rural Ningxia).
HUI_SURNAMES = Weighted({
    "马": 30, "杨": 8, "海": 5, "丁": 5, "李": 5, "王": 5, "田": 4, "苏": 4, "何": 3, "金": 3,
    "白": 3, "冶": 2, "穆": 2, "纳": 2, "锁": 2, "虎": 2, "哈": 2, "米": 2, "拜": 1, "黑": 1, "余": 2,
    "张": 3, "刘": 2, "撒": 1, "者": 1, "沙": 1,
})
HAN_SURNAMES = Weighted({
    "王": 12, "李": 11, "张": 10, "刘": 8, "杨": 6, "陈": 4, "赵": 4, "何": 3, "田": 3, "苏": 3,
    "魏": 3, "郭": 3, "高": 3, "周": 2, "吴": 2, "徐": 2, "孙": 2, "梁": 2, "任": 2, "罗": 2, "蒋": 1,
    "韩": 2, "曹": 2, "冯": 2, "薛": 2, "贾": 2, "马": 4, "牛": 1, "常": 1, "景": 1, "段": 1,
})

# Given-name characters by sex and by generation (born before 1970, 1970-89, 1990 on).
MALE = (
    "福德贵财富有生发成明林山海春祥存仁忠义孝宝全喜荣禄",
    "军伟强勇刚平斌峰波林辉建国华明杰涛鹏亮虎龙文俊东",
    "浩宇轩子豪涛俊博睿鑫磊阳帅凯航杰泽瑞晨宏一文辰佳",
)
FEMALE = (
    "兰花梅英秀芳珍凤桂莲翠香霞琴玉娥春女叶菊",
    "丽霞燕娟红艳萍静芳敏霞玲娜琴慧婷雪梅",
    "婷欣雨佳怡梓涵萱悦琪诗彤妍晨蕾瑶雪丹璐颖",
)
HUI_MALE = "伊哈尔买麦者努穆萨苏"


def _generation(year: int) -> int:
    return 0 if year < 1970 else (1 if year < 1990 else 2)


def surname(rng, hui: bool, avoid: str = "") -> str:
    pool = HUI_SURNAMES if hui else HAN_SURNAMES
    while True:
        name = pool.draw(rng)
        if name != avoid:
            return name


def given_name(rng, male: bool, born_year: int, hui: bool = False) -> str:
    chars = (MALE if male else FEMALE)[_generation(born_year)]
    first = chars[int(rng.random() * len(chars))]
    if male and hui and born_year < 1970 and rng.random() < 0.15:
        first = HUI_MALE[int(rng.random() * len(HUI_MALE))]
    if rng.random() < 0.3:  # one-character given names are common
        return first
    return first + chars[int(rng.random() * len(chars))]


def full_name(rng, family: str, male: bool, born_year: int, hui: bool = False) -> str:
    return family + given_name(rng, male, born_year, hui)
