import datetime

import pytest
from django.utils import timezone

from jingzhun.areas.scope import mask_id_number
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed, OutOfScope
from jingzhun.registry import actions, duplicates
from jingzhun.registry.duplicate_actions import confirm_distinct, merge_duplicate
from jingzhun.registry.duplicates import find_likely_duplicates
from jingzhun.registry.models import AuditEvent, LikelyDuplicate, Member
from tests.conftest import VILLAGE_A, VILLAGE_B, make_id_number

BORN = datetime.date(1980, 5, 17)


def add_twin(household, actor, *, name="马德福", born=BORN, relation="sibling"):
    """A member sharing a name and birth date with someone else, under a different ID number."""
    return actions.add_member(household, actor=actor, name=name, relation=relation,
                              id_number=make_id_number(born=born), education="primary", labour="ordinary",
                              joined_on=datetime.date(2014, 3, 1))


def unflagged():
    """Forget the flags registration raised on the way, to watch the finder on its own."""
    LikelyDuplicate.objects.all().delete()


@pytest.fixture
def pair(cast, make_household):
    """马德福 born 1980-05-17 heads household one and is a sibling in household two, under another number;
    both in village A. Returns the flag, the head and the sibling."""
    cadre = cast["cadre_a"]
    first = make_household(actor=cadre, head_name="马德福", id_number=make_id_number(born=BORN))
    second = make_household(actor=cadre, head_name="马进财")
    sibling = add_twin(second, cadre)
    flag = LikelyDuplicate.objects.get()
    return flag, first.head, sibling


# The finder


def test_finder_flags_same_name_birth_date_and_village_with_different_numbers(pair):
    _flag, head, sibling = pair
    unflagged()
    assert find_likely_duplicates() == 1
    flag = LikelyDuplicate.objects.get()
    # One canonical order, so the pair is flagged once: the later record is `member`.
    assert (flag.member_id, flag.other_id) == (sibling.pk, head.pk)
    assert (flag.village_id, flag.state) == (VILLAGE_A, LikelyDuplicate.State.OPEN)


def test_finder_flags_twins_in_the_same_household(cast, make_household):
    household = make_household(actor=cast["cadre_a"], head_name="马德福", id_number=make_id_number(born=BORN))
    twin = add_twin(household, cast["cadre_a"])
    unflagged()
    assert find_likely_duplicates([VILLAGE_A]) == 1
    assert LikelyDuplicate.objects.get().member_id == twin.pk


def test_finder_ignores_the_same_name_and_birth_date_in_another_village(cast, make_household):
    make_household(actor=cast["cadre_a"], head_name="马德福", id_number=make_id_number(born=BORN))
    make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="马德福", id_number=make_id_number(born=BORN))
    assert find_likely_duplicates() == 0


def test_finder_ignores_another_birth_date_or_another_name(cast, make_household):
    make_household(actor=cast["cadre_a"], head_name="马德福", id_number=make_id_number(born=BORN))
    make_household(actor=cast["cadre_a"], head_name="马德福",
                   id_number=make_id_number(born=BORN + datetime.timedelta(days=1)))
    make_household(actor=cast["cadre_a"], head_name="马德禄", id_number=make_id_number(born=BORN))
    assert find_likely_duplicates() == 0


def test_finder_ignores_members_who_left(pair, cast):
    _flag, _head, sibling = pair
    actions.close_member(sibling, actor=cast["cadre_a"], left_on=datetime.date(2019, 1, 1), reason="died")
    unflagged()
    assert find_likely_duplicates() == 0


def test_finder_flags_a_pair_once_and_never_reopens_a_decision(pair, cast):
    flag, _head, _sibling = pair
    assert find_likely_duplicates() == 0
    confirm_distinct(flag, actor=cast["cadre_a"], note="两人，身份证已核对")
    assert find_likely_duplicates() == 0
    assert LikelyDuplicate.objects.get().state == LikelyDuplicate.State.DISTINCT


def test_finder_limited_to_villages_looks_only_there(pair, monkeypatch):
    unflagged()
    assert find_likely_duplicates([VILLAGE_B]) == 0
    assert find_likely_duplicates([]) == 0
    # Many villages at once take the one pass over the whole registry instead.
    monkeypatch.setattr(duplicates, "WHOLE_REGISTRY_FROM", 2)
    assert duplicates.flag_after_import([VILLAGE_A, VILLAGE_B]) == 1


def test_registering_or_adding_a_twin_flags_it_at_once(cast, make_household):
    make_household(actor=cast["cadre_a"], head_name="马德福", id_number=make_id_number(born=BORN))
    assert not LikelyDuplicate.objects.exists()
    make_household(actor=cast["cadre_a"], head_name="马德福", id_number=make_id_number(born=BORN))
    assert LikelyDuplicate.objects.count() == 1


# Deciding


def events_for(flag):
    return AuditEvent.objects.filter(entity="duplicate", entity_id=flag.pk)


def test_confirming_distinct_keeps_both_and_audits_both_households(pair, cast):
    flag, head, sibling = pair
    confirm_distinct(flag, actor=cast["cadre_a"], note="两人，身份证已核对")
    flag.refresh_from_db()
    assert (flag.state, flag.decided_by, flag.note) == ("distinct", cast["cadre_a"], "两人，身份证已核对")
    assert flag.decided_at is not None
    events = events_for(flag)
    assert {e.household_id for e in events} == {head.household_id, sibling.household_id}
    assert {(e.actor_id, e.field, e.old, e.new, e.reason) for e in events} == {
        (cast["cadre_a"].pk, "state", "open", "distinct", "两人，身份证已核对")}
    assert Member.objects.filter(pk__in=[head.pk, sibling.pk], left_on__isnull=True).count() == 2


def test_merging_closes_the_record_not_kept_and_audits_both_households(pair, cast):
    flag, head, sibling = pair
    members = Member.objects.count()
    merge_duplicate(flag, actor=cast["county"], keep=head, note="同一人，重复登记")
    sibling.refresh_from_db()
    head.refresh_from_db()
    assert (sibling.left_on, sibling.left_reason) == (timezone.localdate(), "error")
    assert head.left_on is None
    assert Member.objects.count() == members  # closed, not deleted
    assert LikelyDuplicate.objects.get().state == "merged"
    close = AuditEvent.objects.filter(entity="member", entity_id=sibling.pk, action="close")
    assert {e.field for e in close} == {"left_on", "left_reason"}
    reason = close.first().reason
    assert head.household.number in reason and mask_id_number(head.id_number) in reason
    assert "同一人，重复登记" in reason and head.id_number not in reason
    assert {e.household_id for e in events_for(flag)} == {head.household_id, sibling.household_id}


def test_merging_refuses_to_close_a_head(pair, cast):
    flag, head, sibling = pair
    with pytest.raises(DomainError) as refused:
        merge_duplicate(flag, actor=cast["cadre_a"], keep=sibling, note="同一人")
    assert refused.value.field == "decision"
    head.refresh_from_db()
    assert head.left_on is None and LikelyDuplicate.objects.get().state == "open"
    assert not events_for(flag).exists()


def test_merging_refuses_a_member_outside_the_pair(pair, cast):
    flag, _head, _sibling = pair
    stranger = Member.objects.exclude(pk__in=[flag.member_id, flag.other_id]).first()
    with pytest.raises(DomainError):
        merge_duplicate(flag, actor=cast["cadre_a"], keep=stranger, note="同一人")


def test_a_decision_needs_a_note(pair, cast):
    flag, head, _sibling = pair
    with pytest.raises(DomainError) as refused:
        confirm_distinct(flag, actor=cast["cadre_a"], note="  ")
    assert refused.value.field == "note"


@pytest.mark.parametrize("role, error", [
    ("cadre_b", OutOfScope), ("other_county", OutOfScope), ("outsider", OutOfScope),
    ("auditor", NotAllowed), ("province", NotAllowed), ("prefecture", NotAllowed), ("helper", NotAllowed),
])
def test_only_registry_editors_of_the_area_decide(pair, cast, role, error):
    flag, head, _sibling = pair
    with pytest.raises(error):
        confirm_distinct(flag, actor=cast[role], note="x")
    with pytest.raises(error):
        merge_duplicate(flag, actor=cast[role], keep=head, note="x")
    assert LikelyDuplicate.objects.get().state == "open" and not events_for(flag).exists()


@pytest.mark.parametrize("role", ["cadre_a", "township", "county"])
def test_editors_covering_the_village_decide(pair, cast, role):
    flag, _head, _sibling = pair
    confirm_distinct(flag, actor=cast[role], note="核对")
    assert LikelyDuplicate.objects.get().decided_by == cast[role]


def test_a_decided_pair_cannot_be_decided_again(pair, cast):
    flag, head, _sibling = pair
    confirm_distinct(flag, actor=cast["cadre_a"], note="两人")
    with pytest.raises(InvalidTransition):
        merge_duplicate(flag, actor=cast["cadre_a"], keep=head, note="同一人")
    with pytest.raises(InvalidTransition):
        confirm_distinct(flag, actor=cast["cadre_a"], note="again")
    assert events_for(flag).count() == 2  # one per household, from the first decision only


def test_a_pair_whose_member_left_has_nothing_to_decide(pair, cast):
    flag, head, sibling = pair
    actions.close_member(sibling, actor=cast["cadre_a"], left_on=datetime.date(2019, 1, 1), reason="died")
    with pytest.raises(DomainError):
        merge_duplicate(flag, actor=cast["cadre_a"], keep=head, note="同一人")
