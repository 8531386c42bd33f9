"""The supervision pages: the flags board with counts per child area, a flag with its answer and history,
the rules page, the scan button; and who may open and press what."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from jingzhun.funds import actions
from jingzhun.funds.models import Flag, SupervisionChange, SupervisionRule
from jingzhun.funds.supervision_actions import change_rule, scan
from tests.conftest import JIQIANG, VILLAGE_A, VILLAGE_B, XIJI

from .conftest import TODAY, make_project

pytestmark = pytest.mark.django_db
BOARD = reverse("funds:supervision")
SCAN = reverse("funds:supervision_scan")
RULES = reverse("funds:supervision_rules")


class _Rows(HTMLParser):
    """Each table with an id: its rows' ids and data attributes."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[dict]] = {}
        self.ids: set[str] = set()
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "table":
            self._open.append(attrs.get("id"))
            if attrs.get("id"):
                self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._open and self._open[-1] and attrs.get("id"):
            self.tables[self._open[-1]].append(attrs)

    def handle_endtag(self, tag):
        if tag == "table" and self._open:
            self._open.pop()


def parsed(page) -> _Rows:
    parser = _Rows()
    parser.feed(page.content.decode())
    return parser


def rows(page, table: str) -> list[dict]:
    found = parsed(page)
    assert table in found.tables, f"no table {table}"
    return found.tables[table]


def flag_of(code: str) -> Flag:
    return Flag.objects.get(rule=code, state=Flag.State.OPEN)


@pytest.fixture
def flagged(cast, books):
    """Three open flags after the county's scan: the fund's money idle (Xiji), the road over its budget
    (village A), and a housing project of village B paid from a fund not for housing."""
    county, fund = cast["county"], books["fund"]
    housing = make_project(county, area=VILLAGE_B, kind="housing", purpose="housing", budget="90000",
                           name="危房改造")
    actions.receive(fund, actor=county, amount="700000", on=datetime.date(2019, 6, 1))
    actions.allocate(fund, books["road"], actor=county, amount="500001")
    actions.allocate(fund, housing, actor=county, amount="60000")
    scan(XIJI, actor=county)
    return {code: flag_of(code) for code in ("idle_money", "over_budget", "outside_purpose")}


def flag_ids(page) -> list[str]:
    return sorted(row["id"] for row in rows(page, "flags"))


def ids_of(*flags) -> list[str]:
    return sorted(f"flag-{f.pk}" for f in flags)


# --- the board ---------------------------------------------------------------------------------------

def test_the_county_board_lists_its_open_flags_and_counts_them_per_township(client, cast, flagged):
    client.force_login(cast["county"])
    page = client.get(BOARD)
    assert page.status_code == 200 and page.context["area"].code == XIJI
    assert flag_ids(page) == ids_of(*flagged.values())
    assert {r["id"]: r["data-rule"] for r in rows(page, "flags")}[f"flag-{flagged['over_budget'].pk}"] == \
        "over_budget"
    counts = {r["id"]: r["data-total"] for r in rows(page, "flag-counts")}
    assert counts[f"area-{JIQIANG}"] == "2"
    assert counts[f"area-{XIJI}"] == "1"  # the idle money of the fund the county holds
    assert counts["flag-total"] == "3"
    html = page.content.decode()
    assert reverse("funds:flag", args=[flagged["over_budget"].pk]) in html
    assert "scan-form" in parsed(page).ids


def test_the_board_filters_by_rule_and_state(client, cast, flagged):
    client.force_login(cast["county"])
    over = client.get(BOARD, {"area": XIJI, "rule": "over_budget"})
    assert flag_ids(over) == ids_of(flagged["over_budget"])
    assert flag_ids(client.get(BOARD, {"area": XIJI, "state": "resolved"})) == []
    flag = flagged["idle_money"]
    client.post(reverse("funds:flag_close", args=[flag.pk]), {"outcome": "resolved", "resolution": "已拨付"})
    assert flag_ids(client.get(BOARD, {"area": XIJI, "state": "resolved"})) == ids_of(flag)
    assert len(flag_ids(client.get(BOARD, {"area": XIJI, "state": ""}))) == 3


def test_the_board_shows_the_evidence_in_words_with_links(client, cast, flagged, books):
    client.force_login(cast["county"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(BOARD, {"area": VILLAGE_A}).content.decode()
    assert "500,001.00 yuan" in html and "1.00 yuan over the budget" in html
    assert reverse("funds:project", args=[books["road"].pk]) in html


def test_a_cadre_reads_the_flags_of_their_village_only_and_cannot_scan(client, cast, flagged):
    client.force_login(cast["cadre_a"])
    page = client.get(BOARD)
    assert page.context["area"].code == VILLAGE_A
    assert flag_ids(page) == ids_of(flagged["over_budget"])
    assert "scan-form" not in parsed(page).ids
    assert client.get(BOARD, {"area": VILLAGE_B}).status_code == 404
    assert client.get(reverse("funds:flag", args=[flagged["outside_purpose"].pk])).status_code == 404
    assert client.get(reverse("funds:flag", args=[flagged["over_budget"].pk])).status_code == 200


@pytest.mark.parametrize("who", ["province", "prefecture", "township"])
def test_officers_above_and_below_the_county_may_scan_from_the_board(client, cast, flagged, who):
    client.force_login(cast[who])
    page = client.get(BOARD)
    assert page.status_code == 200 and "scan-form" in parsed(page).ids


def test_an_auditor_reads_the_board_and_flags_without_buttons(client, cast, flagged):
    client.force_login(cast["auditor"])
    page = client.get(BOARD)
    assert flag_ids(page) == ids_of(*flagged.values()) and "scan-form" not in parsed(page).ids
    flag = client.get(reverse("funds:flag", args=[flagged["idle_money"].pk]))
    assert flag.status_code == 200 and "close-form" not in parsed(flag).ids
    assert client.post(SCAN, {"area": XIJI}).status_code == 403


@pytest.mark.parametrize("who, status", [("helper", 403), ("outsider", 403), ("other_county", 404)])
def test_helpers_and_outsiders_are_refused_other_counties_find_nothing(client, cast, flagged, who, status):
    client.force_login(cast[who])
    assert client.get(BOARD, {"area": XIJI}).status_code == status
    assert client.get(reverse("funds:flag", args=[flagged["idle_money"].pk])).status_code == (
        404 if who == "other_county" else 403)
    assert client.post(SCAN, {"area": XIJI}).status_code == status
    assert client.get(RULES).status_code == (200 if who == "other_county" else 403)


def test_anonymous_users_are_sent_to_sign_in(client, flagged):
    page = client.get(BOARD)
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


# --- scanning from the board -------------------------------------------------------------------------------

def test_the_scan_button_runs_the_rules_and_says_what_it_found(client, cast, books):
    actions.receive(books["fund"], actor=cast["county"], amount="1000", on=datetime.date(2019, 6, 1))
    client.force_login(cast["county"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(SCAN, {"area": XIJI}, follow=True)
    assert page.redirect_chain[-1][0] == f"{BOARD}?area={XIJI}"
    assert "1 newly flagged" in page.content.decode()
    assert flag_ids(page) == ids_of(flag_of("idle_money"))


def test_a_cadre_cannot_scan(client, cast, flagged):
    client.force_login(cast["cadre_a"])
    assert client.post(SCAN, {"area": VILLAGE_A}).status_code == 403


# --- a flag ------------------------------------------------------------------------------------------------

def test_a_county_officer_resolves_a_flag_with_a_note(client, cast, flagged):
    flag = flagged["over_budget"]
    url = reverse("funds:flag", args=[flag.pk])
    client.force_login(cast["county"])
    page = client.get(url)
    assert "close-form" in parsed(page).ids and {"evidence", "flag-history"} <= parsed(page).ids
    answer = reverse("funds:flag_close", args=[flag.pk])
    refused = client.post(answer, {"outcome": "dismissed", "resolution": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["resolution"]
    done = client.post(answer, {"outcome": "dismissed", "resolution": "预算已按文件调增"})
    assert done.status_code == 302 and done["Location"] == url
    flag.refresh_from_db()
    assert (flag.state, flag.resolved_by) == ("dismissed", cast["county"])
    assert flag.resolution == "预算已按文件调增"
    assert "close-form" not in parsed(client.get(url)).ids
    again = client.post(answer, {"outcome": "resolved", "resolution": "x"})
    assert again.status_code == 409


def test_a_flag_shows_who_found_it_the_day_of_its_figures_and_the_day_it_was_missed(client, cast, flagged,
                                                                                    books):
    county, flag = cast["county"], flagged["idle_money"]
    client.force_login(county)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("funds:flag", args=[flag.pk])
    page = client.get(url)
    html = page.content.decode()
    assert "flag-checked" in parsed(page).ids and "flag-gone" not in parsed(page).ids
    found = re.search(r'id="flag-found">([^<]*)</dd>', html).group(1)
    assert found.endswith(f" · {county.username}")  # the officer whose scan found it
    # 700,000 received 2019-06-01, 560,001 allocated since: the rest has waited 395 days at the check.
    assert "395 days at the check of 2020-06-30" in html

    actions.allocate(books["fund"], books["road"], actor=county, amount="139999")
    scan(XIJI, actor=county)
    page = client.get(url)
    assert "flag-gone" in parsed(page).ids
    assert f"{TODAY:%Y-%m-%d} · no longer found by a scan" in page.content.decode()
    board = client.get(BOARD, {"area": XIJI})
    assert f'data-gone="{TODAY:%Y-%m-%d}"' in board.content.decode()


def test_a_new_finding_after_an_answer_shows_the_earlier_flag_in_its_history(client, cast, flagged, books):
    county, old = cast["county"], flagged["over_budget"]
    client.force_login(county)
    client.post(reverse("funds:flag_close", args=[old.pk]), {"outcome": "resolved", "resolution": "已说明"})
    actions.allocate(books["fund"], books["road"], actor=county, amount="10")
    scan(XIJI, actor=county)
    new = flag_of("over_budget")
    page = client.get(reverse("funds:flag", args=[new.pk]))
    assert [r["id"] for r in rows(page, "flag-others")] == [f"other-{old.pk}"]


@pytest.mark.parametrize("who, status", [("cadre_a", 403), ("province", 403), ("township", 403),
                                         ("other_county", 404)])
def test_only_the_county_answers_a_flag(client, cast, flagged, who, status):
    flag = flagged["over_budget"]
    client.force_login(cast[who])
    answer = reverse("funds:flag_close", args=[flag.pk])
    page = client.post(answer, {"outcome": "resolved", "resolution": "x"})
    assert page.status_code == status
    assert Flag.objects.get(pk=flag.pk).state == Flag.State.OPEN


# --- the rules page ----------------------------------------------------------------------------------

def test_the_rules_page_lists_the_rules_and_their_parameters(client, cast, flagged):
    client.force_login(cast["county"])
    page = client.get(RULES)
    listed = sorted(r["id"] for r in rows(page, "rules"))
    assert listed == sorted(f"rule-{c}" for c in SupervisionRule.Code.values)
    assert not any(i.startswith("rule-form-") for i in parsed(page).ids)
    assert 'data-param="days"' in page.content.decode()


def test_a_province_officer_changes_a_rule_from_the_page(client, cast, flagged):
    client.force_login(cast["province"])
    page = client.get(RULES)
    assert "rule-form-idle_money" in parsed(page).ids
    url = reverse("funds:supervision_rule", args=["idle_money"])
    bad = client.post(url, {"idle_money-active": "on", "idle_money-days": "0", "idle_money-reason": "x"})
    assert bad.status_code == 200 and bad.context["rows"]
    done = client.post(url, {"idle_money-days": "90", "idle_money-reason": "暂停，待省里定标准"})
    assert done.status_code == 302
    rule = SupervisionRule.objects.get(code="idle_money")
    assert (rule.active, rule.params) == (False, {"days": 90})
    changes = SupervisionChange.objects.filter(rule=rule)
    assert sorted((c.field, c.old, c.new, c.actor) for c in changes) == [
        ("active", "1", "0", cast["province"]), ("days", "180", "90", cast["province"])]
    history = rows(client.get(RULES), "rule-history-idle_money")
    assert sorted(r["data-field"] for r in history) == ["active", "days"]
    assert {r["id"] for r in history} == {f"rule-change-{c.pk}" for c in changes}
    same = client.post(url, {"idle_money-days": "90", "idle_money-reason": "再保存一次"})
    assert same.status_code == 200 and same.context["rows"]
    assert [r for r in same.context["rows"] if r["rule"].code == "idle_money"][0]["form"].non_field_errors()
    assert SupervisionChange.objects.count() == 2
    kinds = reverse("funds:supervision_rule", args=["no_beneficiaries"])
    client.post(kinds, {"no_beneficiaries-active": "on", "no_beneficiaries-reason": "学校卫生院不列户",
                        "no_beneficiaries-exempt_kinds": ["school", "clinic"]})
    assert SupervisionRule.objects.get(code="no_beneficiaries").params["exempt_kinds"] == ["clinic", "school"]


def test_every_reader_of_the_rules_sees_their_history_in_words(client, cast, flagged):
    change_rule(SupervisionRule.objects.get(code="no_beneficiaries"), actor=cast["province"], active=True,
                params={"exempt_kinds": ["school", "clinic"]}, reason="学校卫生院不列户")
    [change] = SupervisionChange.objects.all()
    client.force_login(cast["auditor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(RULES)
    [row] = rows(page, "rule-history-no_beneficiaries")
    assert (row["id"], row["data-old"], row["data-new"]) == (f"rule-change-{change.pk}", "", "clinic,school")
    assert rows(page, "rule-history-idle_money") == []  # no change yet: the empty row has no id
    html = page.content.decode()
    assert "kinds of project exempt" in html and "clinic, school" in html and "学校卫生院不列户" in html
    assert 'href="#rule-history-no_beneficiaries"' in html  # the latest change, in the rules table


@pytest.mark.parametrize("who", ["county", "prefecture", "auditor"])
def test_others_cannot_change_a_rule(client, cast, flagged, who):
    client.force_login(cast[who])
    url = reverse("funds:supervision_rule", args=["idle_money"])
    assert client.post(url, {"idle_money-days": "30", "idle_money-reason": "x"}).status_code == 403
    assert SupervisionRule.objects.get(code="idle_money").params == {"days": 180}
    assert not SupervisionChange.objects.exists()
