from jingzhun.areas.loader import english_name, load_ningxia
from jingzhun.areas.models import PREFIX_LENGTH, Area, AreaFlag


def test_real_ningxia_hierarchy_is_loaded(reference_data):
    counts = {level: Area.objects.filter(level=level).count() for level in PREFIX_LENGTH}
    assert counts == {"province": 1, "prefecture": 5, "county": 22, "township": 259, "village": 2912}
    assert Area.objects.get(code="640422000000").name_zh == "西吉县"


def test_every_code_starts_with_its_parents_prefix(reference_data):
    for area in Area.objects.exclude(level="province").select_related("parent"):
        assert area.code.startswith(area.parent.prefix), area.code
        assert len(area.code) == 12


def test_poor_counties_carry_their_exit_year(reference_data):
    flags = {f.area_id: f for f in AreaFlag.objects.filter(kind="poor_county")}
    assert len(flags) == 9
    assert flags["640323000000"].end_year == 2018  # Yanchi, first to exit
    assert flags["640422000000"].end_year == 2020  # Xiji, last to exit
    assert flags["640423000000"].end_year is None  # Longde: exit date not verified


def test_loading_twice_changes_nothing(reference_data):
    before = Area.objects.count()
    load_ningxia()
    assert Area.objects.count() == before
    assert AreaFlag.objects.filter(kind="poor_county").count() == 9


def test_english_names_translate_suffixes_and_transliterate_stems():
    assert english_name("吉强镇") == "Jiqiang Town"
    assert english_name("大营村委会") == "Daying Village"
    assert english_name("中街社区居民委员会") == "Zhongjie Community"
    assert english_name("新营乡") == "Xinying Township"
