import csv
import datetime
import io

from django.urls import reverse

from jingzhun.registry import actions


def exported(client, user, **params) -> list[dict]:
    client.force_login(user)
    response = client.get(reverse("registry:export"), params)
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_lists_each_household_with_its_current_members(client, cast, make_household):
    household = make_household(
        actor=cast["cadre_a"],
        head_name="马建国",
        size=3,
        household_type="subsistence",
        main_cause="illness",
        address="大营村二组",
    )
    son = household.members.filter(relation="son").first()
    actions.close_member(son, actor=cast["cadre_a"], left_on=datetime.date(2020, 1, 1), reason="moved")
    rows = exported(client, cast["county"])
    assert len(rows) == 1
    row = next(iter(rows))
    values = list(row.values())
    assert values[0] == household.number
    assert values[1] == "640422100201"
    assert values[2] == "大营村委会"
    assert values[3] == "马建国"
    assert values[4] == household.head.id_number
    assert values[5] == "2"  # the son who left is not counted
    assert values[7] and values[9]  # status and cause labels
    assert values[10] == "大营村二组"


def test_export_follows_the_list_filters(client, cast, make_household):
    make_household(actor=cast["cadre_a"], head_name="马一", main_cause="illness")
    make_household(actor=cast["cadre_a"], head_name="马二", main_cause="disability")
    rows = exported(client, cast["cadre_a"], cause="disability")
    assert [list(r.values())[3] for r in rows] == ["马二"]
