"""Pairing actions: who records commitments and deliveries, who confirms and withdraws, what is checked,
and the Change rows each leaves."""

import datetime
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jingzhun import clock
from jingzhun.areas.models import Area, Post, Role
from jingzhun.assistance import pairing_actions as actions
from jingzhun.assistance import pairing_queries as queries
from jingzhun.assistance.models import Change, Commitment, Delivery, Pairing, Partner, PartnerAccount
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from tests.conftest import JIQIANG, PROVINCE, VILLAGE_A, VILLAGE_C, XIJI, YANCHI, _user

TODAY = datetime.date(2021, 6, 30)
EAST_WEST = Partner.Kind.EAST_WEST


def partner_user(username: str, partner: Partner):
    user = _user(username, Role.PAIRING_PARTNER, PROVINCE)
    PartnerAccount.objects.create(user=user, partner=partner)
    return user


def build_pairs(cast) -> SimpleNamespace:
    """Fujian with two of its cities, paired as in the east–west programme, and the year 2020's figures
    recorded through the actions: Fujian–Ningxia 1,300,000 yuan committed (300,000 by Xiamen for Xiji),
    750,000 delivered (650,000 in Xiji, 100,000 in Yanchi), a 2021 delivery withdrawn."""
    fujian = Partner.objects.create(name_zh="福建省", name_en="Fujian", kind=EAST_WEST, level="province")
    xiamen = Partner.objects.create(name_zh="厦门市", name_en="Xiamen", kind=EAST_WEST, level="city",
                                    parent=fujian)
    fuzhou = Partner.objects.create(name_zh="福州市", name_en="Fuzhou", kind=EAST_WEST, level="city",
                                    parent=fujian)
    ningxia = Pairing.objects.create(partner=fujian, area_id=PROVINCE, start_year=1996, verified=True,
                                     source="seed 002")
    xiji = Pairing.objects.create(partner=xiamen, area_id=XIJI, start_year=2016)
    yanchi = Pairing.objects.create(partner=fuzhou, area_id=YANCHI, start_year=2016)
    users = SimpleNamespace(fujian=partner_user("fujian", fujian), xiamen=partner_user("xiamen", xiamen),
                            fuzhou=partner_user("fuzhou", fuzhou))
    funds, workers = "funds", "workers"
    actions.record_commitment(ningxia, 2020, funds, "1000000", actor=users.fujian)
    actions.record_commitment(xiji, 2020, funds, "300000", actor=users.xiamen)
    actions.record_commitment(xiji, 2020, workers, "50", actor=users.xiamen)
    actions.record_delivery(ningxia, 2020, funds, "400000", datetime.date(2020, 5, 1), VILLAGE_A,
                            actor=users.fujian, note="村道硬化")
    actions.record_delivery(ningxia, 2020, funds, "100000", datetime.date(2020, 6, 1), VILLAGE_C,
                            actor=users.fujian)
    actions.record_delivery(xiji, 2020, funds, "250000", datetime.date(2020, 7, 1), JIQIANG,
                            actor=users.xiamen)
    actions.record_delivery(xiji, 2020, workers, "30", datetime.date(2020, 8, 1), XIJI, actor=users.xiamen)
    mistaken = actions.record_delivery(ningxia, 2021, funds, "50000", datetime.date(2021, 3, 1), VILLAGE_A,
                                       actor=users.fujian)
    actions.withdraw_delivery(mistaken, actor=users.fujian, reason="重复录入")
    return SimpleNamespace(fujian=fujian, xiamen=xiamen, fuzhou=fuzhou, ningxia=ningxia, xiji=xiji,
                           yanchi=yanchi, users=users, mistaken=mistaken)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: datetime.datetime(2021, 6, 30, 10, tzinfo=datetime.UTC))
    return TODAY


@pytest.fixture
def pairs(cast, today):
    return build_pairs(cast)


def deliveries_to(code: str):
    return Delivery.objects.filter(area__code__startswith=code[:6], withdrawn_at__isnull=True)


# Commitments -------------------------------------------------------------------------------------------

def test_a_commitment_is_one_row_and_its_change_is_recorded(pairs):
    first = Commitment.objects.get(pairing=pairs.xiji, year=2020, indicator="funds")
    again = actions.record_commitment(pairs.xiji, 2020, "funds", "320000.50", actor=pairs.users.xiamen,
                                      note="追加")
    assert again.pk == first.pk
    assert Commitment.objects.filter(pairing=pairs.xiji, year=2020, indicator="funds").count() == 1
    assert again.amount == Decimal("320000.50")
    created = Change.objects.get(entity="commitment", entity_id=first.pk, action=Change.Action.CREATE)
    assert (created.area_code, created.actor) == (XIJI, pairs.users.xiamen)
    assert json.loads(created.new) == {"year": "2020", "indicator": "funds", "amount": "300000.00"}
    changed = Change.objects.get(entity="commitment", entity_id=first.pk, field="amount",
                                 action=Change.Action.CHANGE)
    assert (changed.old, changed.new) == ("300000.00", "320000.50")
    assert Change.objects.filter(entity="commitment", entity_id=first.pk, field="note").exists()


def test_the_same_commitment_again_leaves_no_change(pairs):
    before = Change.objects.count()
    actions.record_commitment(pairs.xiji, 2020, "funds", "300000", actor=pairs.users.xiamen)
    assert Change.objects.count() == before


def test_commitment_checks_year_indicator_and_whole_persons(pairs):
    xiamen = pairs.users.xiamen
    with pytest.raises(DomainError) as error:
        actions.record_commitment(pairs.xiji, 2015, "funds", "1", actor=xiamen)  # paired from 2016
    assert error.value.field == "year"
    with pytest.raises(DomainError) as error:
        actions.record_commitment(pairs.xiji, 2023, "funds", "1", actor=xiamen)
    assert error.value.field == "year"
    with pytest.raises(DomainError) as error:
        actions.record_commitment(pairs.xiji, 2021, "cadres", "2.5", actor=xiamen)
    assert error.value.field == "amount"
    with pytest.raises(DomainError) as error:
        actions.record_commitment(pairs.xiji, 2021, "funds", "-1", actor=xiamen)
    assert error.value.field == "amount"
    with pytest.raises(DomainError) as error:
        actions.record_commitment(pairs.xiji, 2021, "smiles", "1", actor=xiamen)
    assert error.value.field == "indicator"
    actions.record_commitment(pairs.xiji, 2022, "cadres", "3", actor=xiamen)  # next year's agreement


def test_a_partner_records_only_for_its_own_pairings(pairs):
    with pytest.raises(OutOfScope):  # the province pair is above a city
        actions.record_commitment(pairs.ningxia, 2020, "funds", "1", actor=pairs.users.xiamen)
    with pytest.raises(OutOfScope):  # a sister city's pairing
        actions.record_delivery(pairs.yanchi, 2020, "funds", "1", datetime.date(2020, 1, 2), YANCHI,
                                actor=pairs.users.xiamen)
    with pytest.raises(NotAllowed):  # the province sees its city's pairing but records its own
        actions.record_commitment(pairs.xiji, 2020, "funds", "1", actor=pairs.users.fujian)
    assert Commitment.objects.get(pairing=pairs.xiji, indicator="funds").amount == Decimal("300000")


def test_officers_of_the_paired_area_record_and_others_do_not(pairs, cast):
    actions.record_commitment(pairs.xiji, 2021, "projects", "4", actor=cast["county"])
    actions.record_commitment(pairs.ningxia, 2021, "funds", "9", actor=cast["province"])
    with pytest.raises(OutOfScope):
        actions.record_commitment(pairs.xiji, 2021, "projects", "5", actor=cast["other_county"])
    with pytest.raises(NotAllowed):  # Xiji's officer does not speak for the whole region's pair
        actions.record_commitment(pairs.ningxia, 2021, "funds", "5", actor=cast["county"])
    for name in ("township", "cadre_a", "auditor"):
        with pytest.raises(NotAllowed):
            actions.record_commitment(pairs.xiji, 2021, "projects", "5", actor=cast[name])
    for name in ("helper", "outsider"):
        with pytest.raises(OutOfScope):
            actions.record_commitment(pairs.xiji, 2021, "projects", "5", actor=cast[name])


# Deliveries --------------------------------------------------------------------------------------------

def test_delivery_checks_area_date_amount_and_year(pairs):
    xiamen, day = pairs.users.xiamen, datetime.date(2021, 3, 1)
    cases = [
        ({"area": VILLAGE_C}, "area"),  # Yanchi is not Xiamen's
        ({"area": "640422999999"}, "area"),  # no such area
        ({"delivered_on": datetime.date(2021, 7, 1)}, "delivered_on"),  # tomorrow
        ({"amount": "0"}, "amount"),
        ({"indicator": "workers", "amount": "2.5"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"year": 2019}, "year"),  # delivered in 2021 cannot count for 2019
        ({"year": 2022}, "year"),
    ]
    for change, field in cases:
        values = {"year": 2021, "indicator": "funds", "amount": "10", "delivered_on": day, "area": VILLAGE_A,
                  **change}
        with pytest.raises(DomainError) as error:
            actions.record_delivery(pairs.xiji, actor=xiamen, **values)
        assert error.value.field == field, change
    early = actions.record_delivery(pairs.xiji, 2020, "funds", "10", day, Area.objects.get(code=VILLAGE_A),
                                    actor=xiamen)  # settled early the next year, counted for 2020
    assert early.year == 2020 and early.area_id == VILLAGE_A
    created = Change.objects.get(entity="delivery", entity_id=early.pk)
    assert (created.action, created.area_code) == (Change.Action.CREATE, VILLAGE_A)
    assert json.loads(created.new) == {"year": "2020", "indicator": "funds", "amount": "10.00",
                                       "delivered_on": "2021-03-01", "area": VILLAGE_A}


def test_the_receiving_county_confirms_and_the_partner_does_not(pairs, cast):
    delivery = deliveries_to(VILLAGE_A).get(pairing=pairs.ningxia)
    with pytest.raises(NotAllowed):
        actions.confirm_delivery(delivery, actor=pairs.users.fujian)
    with pytest.raises(NotAllowed):  # county level or above confirms
        actions.confirm_delivery(delivery, actor=cast["township"])
    with pytest.raises(OutOfScope):
        actions.confirm_delivery(delivery, actor=cast["other_county"])
    actions.confirm_delivery(delivery, actor=cast["county"])
    delivery.refresh_from_db()
    assert delivery.confirmed_by == cast["county"] and delivery.confirmed_at is not None
    change = Change.objects.get(entity="delivery", entity_id=delivery.pk, field="confirmed")
    assert (change.actor, change.area_code) == (cast["county"], VILLAGE_A)
    with pytest.raises(InvalidTransition):
        actions.confirm_delivery(delivery, actor=cast["prefecture"])


def test_yanchi_cannot_touch_xiji_deliveries(pairs, cast):
    delivery = deliveries_to(XIJI).get(pairing=pairs.xiji, indicator="funds")
    with pytest.raises(OutOfScope):
        actions.withdraw_delivery(delivery, actor=cast["other_county"], reason="不是本县")
    with pytest.raises(OutOfScope):
        actions.confirm_delivery(delivery, actor=cast["other_county"])
    with pytest.raises(OutOfScope):
        actions.record_delivery(pairs.xiji, 2021, "funds", "1", TODAY, VILLAGE_A, actor=cast["other_county"])
    delivery.refresh_from_db()
    assert delivery.withdrawn_at is None and delivery.confirmed_at is None
    assert not queries.pairing_scope(cast["other_county"]).confirms(delivery)
    assert not queries.pairing_scope(cast["other_county"]).withdraws(delivery)
    assert queries.pairing_scope(cast["prefecture"]).confirms(delivery)
    yanchi = deliveries_to(YANCHI).get()  # the province pair's delivery to Yanchi is theirs
    actions.confirm_delivery(yanchi, actor=cast["other_county"])


def test_withdrawal_needs_a_reason_and_keeps_the_row(pairs):
    delivery = deliveries_to(XIJI).get(pairing=pairs.xiji, indicator="workers")
    with pytest.raises(DomainError) as error:
        actions.withdraw_delivery(delivery, actor=pairs.users.xiamen, reason="  ")
    assert error.value.field == "reason"
    actions.withdraw_delivery(delivery, actor=pairs.users.xiamen, reason="人数录错")
    kept = Delivery.objects.get(pk=delivery.pk)
    assert (kept.withdrawn_by, kept.withdrawn_reason, kept.amount) == (pairs.users.xiamen, "人数录错",
                                                                       Decimal("30"))
    change = Change.objects.get(entity="delivery", entity_id=delivery.pk, action=Change.Action.CLOSE)
    assert change.reason == "人数录错" and change.area_code == XIJI
    with pytest.raises(InvalidTransition):
        actions.withdraw_delivery(delivery, actor=pairs.users.xiamen, reason="again")
    table = queries.figures(pairs.xiji, "640422")
    assert table.by_year[2020]["workers"].delivered == 0


def test_only_the_recorder_or_a_receiving_officer_withdraws(pairs, cast):
    delivery = deliveries_to(VILLAGE_A).get(pairing=pairs.ningxia)
    colleague = partner_user("fujian2", pairs.fujian)
    with pytest.raises(NotAllowed):
        actions.withdraw_delivery(delivery, actor=colleague, reason="x")
    with pytest.raises(NotAllowed):
        actions.withdraw_delivery(delivery, actor=cast["cadre_a"], reason="x")
    actions.confirm_delivery(delivery, actor=cast["county"])
    with pytest.raises(NotAllowed):  # once the receiving side confirmed, the partner cannot take it back
        actions.withdraw_delivery(delivery, actor=pairs.users.fujian, reason="x")
    actions.withdraw_delivery(delivery, actor=cast["county"], reason="实际未到位")
    assert Delivery.objects.get(pk=delivery.pk).withdrawn_by == cast["county"]


def test_a_partner_role_without_an_account_records_nothing(pairs):
    stray = _user("stray", Role.PAIRING_PARTNER, PROVINCE)
    with pytest.raises(OutOfScope):
        actions.record_commitment(pairs.ningxia, 2020, "funds", "1", actor=stray)
    assert not queries.visible_pairings(queries.pairing_scope(stray)).exists()


# Partners and pairings ---------------------------------------------------------------------------------

def test_province_officers_add_partners_with_a_checked_credit_code(cast, today):
    with pytest.raises(DomainError) as error:
        actions.add_partner(actor=cast["province"], name_zh="某公司", name_en="A firm", kind="enterprise",
                            uscc="91350100M000100Y44")
    assert error.value.field == "uscc"
    firm = actions.add_partner(actor=cast["province"], name_zh="某公司", name_en="A firm", kind="enterprise",
                               uscc=" 91350100M000100Y43 ")
    assert firm.uscc == "91350100M000100Y43"
    assert Change.objects.filter(entity="partner", entity_id=firm.pk, action=Change.Action.CREATE).exists()
    with pytest.raises(DomainError) as error:
        actions.add_partner(actor=cast["province"], name_zh="某公司", name_en="Again", kind="enterprise")
    assert error.value.field == "name_zh"
    with pytest.raises(NotAllowed):
        actions.add_partner(actor=cast["county"], name_zh="别的", name_en="Other", kind="donor")


def test_province_officers_add_one_pairing_per_partner_area_and_years(cast, today):
    fujian = Partner.objects.create(name_zh="福建省", name_en="Fujian", kind=EAST_WEST)
    ningxia = Area.objects.get(code=PROVINCE)
    pairing = actions.add_pairing(fujian, ningxia, 1996, actor=cast["province"], source="seed 002")
    assert Change.objects.get(entity="pairing", entity_id=pairing.pk).area_code == PROVINCE
    with pytest.raises(DomainError) as error:
        actions.add_pairing(fujian, ningxia, 1996, actor=cast["province"])
    assert error.value.field == "start_year"
    with pytest.raises(DomainError):  # overlaps the open pairing
        actions.add_pairing(fujian, ningxia, 2010, actor=cast["province"])
    with pytest.raises(DomainError) as error:
        actions.add_pairing(fujian, Area.objects.get(code=XIJI), 2016, 2010, actor=cast["province"])
    assert error.value.field == "end_year"
    with pytest.raises(DomainError) as error:
        actions.add_pairing(fujian, Area.objects.get(code=XIJI), 1900, actor=cast["province"])
    assert error.value.field == "start_year"
    with pytest.raises(NotAllowed):
        actions.add_pairing(fujian, Area.objects.get(code=XIJI), 2016, actor=cast["county"])
    assert Pairing.objects.filter(partner=fujian).count() == 1


def test_partner_user_post_stays_out_of_the_registry(pairs):
    post = Post.objects.get(user=pairs.users.fujian)
    assert post.role == Role.PAIRING_PARTNER
    ps = queries.pairing_scope(pairs.users.fujian)
    assert ps.partners == {pairs.fujian.pk, pairs.xiamen.pk, pairs.fuzhou.pk}
