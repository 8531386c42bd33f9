"""The pure roll-up of a pair's commitments and deliveries: its sub-pairs, the unattributed row, withdrawn
deliveries and the area cut."""

from decimal import Decimal

from jingzhun.assistance.pairing_rules import (
    UNATTRIBUTED,
    Cell,
    Row,
    code_prefix,
    county_of,
    pair_table,
    subtree,
)

NINGXIA, GUYUAN, XIJI, YANCHI = "640000000000", "640400000000", "640422000000", "640323000000"
XIJI_TOWN, XIJI_VILLAGE, YANCHI_VILLAGE = "640422100000", "640422100201", "640323100201"
FUJIAN, XIAMEN, SIMING, FUZHOU, SHENZHEN = 1, 2, 3, 4, 9
PARENTS = {FUJIAN: None, XIAMEN: FUJIAN, SIMING: XIAMEN, FUZHOU: FUJIAN, SHENZHEN: None}


def d(value) -> Decimal:
    return Decimal(value)


def commit(partner, area, year, indicator, amount) -> Row:
    return Row(partner, area, area, year, indicator, d(amount))


def deliver(partner, pairing_area, area, year, indicator, amount, withdrawn=False) -> Row:
    return Row(partner, pairing_area, area, year, indicator, d(amount), withdrawn)


def table(commitments, deliveries, partner=FUJIAN, area=NINGXIA, **kw):
    return pair_table(commitments, deliveries, partner_id=partner, area_code=area, parents=PARENTS, **kw)


def test_code_prefix_and_county():
    assert code_prefix(NINGXIA) == "64"
    assert code_prefix(GUYUAN) == "6404"
    assert code_prefix(XIJI) == "640422"
    assert code_prefix(XIJI_TOWN) == "640422100"
    assert code_prefix("640422100200") == "640422100200"  # a village numbered 200 is not its township
    assert county_of(XIJI_VILLAGE) == XIJI
    assert county_of(GUYUAN) == UNATTRIBUTED and county_of(NINGXIA) == UNATTRIBUTED


def test_subtree_takes_in_cities_and_their_districts_only():
    assert subtree(FUJIAN, PARENTS) == {FUJIAN, XIAMEN, SIMING, FUZHOU}
    assert subtree(XIAMEN, PARENTS) == {XIAMEN, SIMING}
    assert subtree(SHENZHEN, PARENTS) == {SHENZHEN}
    assert subtree(FUJIAN, {FUJIAN: XIAMEN, XIAMEN: FUJIAN}) == {FUJIAN, XIAMEN}  # a loop ends


def test_city_deliveries_roll_up_into_the_province_pair():
    result = table(
        [commit(FUJIAN, NINGXIA, 2019, "funds", "1000"), commit(XIAMEN, XIJI, 2019, "funds", "300")],
        [deliver(FUJIAN, NINGXIA, XIJI_VILLAGE, 2019, "funds", "500"),
         deliver(XIAMEN, XIJI, XIJI_TOWN, 2019, "funds", "200"),
         deliver(SIMING, XIJI, XIJI_VILLAGE, 2019, "funds", "50"),
         deliver(SHENZHEN, NINGXIA, XIJI_VILLAGE, 2019, "funds", "999")])  # another partner
    assert result.years == [2019]
    assert result.by_year[2019]["funds"] == Cell(d("1300"), d("750"))
    assert result.by_county[XIJI]["funds"] == Cell(d("300"), d("750"))
    assert result.year_total["funds"] == result.county_total["funds"] == Cell(d("1300"), d("750"))


def test_a_city_pair_leaves_out_its_province_and_other_areas():
    commitments = [commit(FUJIAN, NINGXIA, 2019, "funds", "1000"), commit(XIAMEN, XIJI, 2019, "funds", "300"),
                   commit(XIAMEN, YANCHI, 2019, "funds", "80")]
    deliveries = [deliver(FUJIAN, NINGXIA, XIJI_VILLAGE, 2019, "funds", "500"),
                  deliver(XIAMEN, XIJI, XIJI_VILLAGE, 2019, "funds", "200")]
    result = table(commitments, deliveries, partner=XIAMEN, area=XIJI)
    assert result.by_year[2019]["funds"] == Cell(d("300"), d("200"))
    assert result.counties == [XIJI]


def test_commitments_above_county_level_go_to_the_unattributed_row():
    result = table(
        [commit(FUJIAN, NINGXIA, 2020, "funds", "1000"), commit(FUZHOU, GUYUAN, 2020, "cadres", "4"),
         commit(XIAMEN, XIJI, 2020, "funds", "300")],
        [deliver(FUJIAN, NINGXIA, NINGXIA, 2020, "products", "70"),
         deliver(FUJIAN, NINGXIA, YANCHI_VILLAGE, 2020, "funds", "100")])
    assert result.counties == [YANCHI, XIJI, UNATTRIBUTED]  # codes in order, unattributed last
    unattributed = result.by_county[UNATTRIBUTED]
    assert unattributed["funds"] == Cell(d("1000"), d("0"))
    assert unattributed["cadres"] == Cell(d("4"), d("0"))
    assert unattributed["products"] == Cell(d("0"), d("70"))
    assert result.by_county[YANCHI]["funds"] == Cell(d("0"), d("100"))
    assert result.by_county[XIJI]["funds"] == Cell(d("300"), d("0"))


def test_withdrawn_deliveries_never_count():
    result = table([commit(FUJIAN, NINGXIA, 2019, "funds", "100")],
                   [deliver(FUJIAN, NINGXIA, XIJI_VILLAGE, 2019, "funds", "40"),
                    deliver(FUJIAN, NINGXIA, XIJI_VILLAGE, 2019, "funds", "60", withdrawn=True),
                    deliver(FUJIAN, NINGXIA, XIJI_VILLAGE, 2019, "workers", "8", withdrawn=True)])
    assert result.by_year[2019]["funds"] == Cell(d("100"), d("40"))
    assert "workers" not in result.by_year[2019]
    assert result.by_year[2019]["funds"].share == d("0.4")


def test_share_is_none_without_a_commitment():
    result = table([], [deliver(FUJIAN, NINGXIA, XIJI_VILLAGE, 2019, "projects", "2")])
    assert result.by_year[2019]["projects"].share is None
    assert Cell(d("0"), d("0")).share is None


def test_area_cut_keeps_an_officers_rows_only():
    commitments = [commit(FUJIAN, NINGXIA, 2019, "funds", "1000"), commit(XIAMEN, XIJI, 2019, "funds", "300"),
                   commit(FUZHOU, YANCHI, 2019, "funds", "200")]
    deliveries = [deliver(FUJIAN, NINGXIA, XIJI_VILLAGE, 2019, "funds", "500"),
                  deliver(FUJIAN, NINGXIA, YANCHI_VILLAGE, 2019, "funds", "90"),
                  deliver(FUJIAN, NINGXIA, NINGXIA, 2019, "funds", "10")]
    result = table(commitments, deliveries, inside="640422")
    assert result.by_year[2019]["funds"] == Cell(d("300"), d("500"))
    assert result.counties == [XIJI]


def test_year_narrows_the_county_table_but_not_the_year_table():
    result = table([commit(FUJIAN, NINGXIA, 2019, "funds", "100"), commit(XIAMEN, XIJI, 2020, "funds", "50")],
                   [deliver(XIAMEN, XIJI, XIJI_VILLAGE, 2019, "funds", "30"),
                    deliver(XIAMEN, XIJI, XIJI_VILLAGE, 2020, "funds", "20")], year=2020)
    assert result.years == [2019, 2020]
    assert result.by_county == {XIJI: {"funds": Cell(d("50"), d("20"))}}
    assert result.county_total["funds"] == Cell(d("50"), d("20"))
