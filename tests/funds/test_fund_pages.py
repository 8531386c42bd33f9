"""The funds' pages through the test client: who reads which funds, the ledger's running balance with its
reversals and recoveries, the forms only the county's officers get and their errors at the fields, a new
fund, and the ledger as CSV."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from jingzhun.funds import actions, fund_queries
from jingzhun.funds.models import Entry, Fund, Project
from tests.conftest import VILLAGE_A, XIJI, YANCHI

from .conftest import make_project

pytestmark = pytest.mark.django_db
LIST, NEW = reverse("funds:funds"), reverse("funds:fund_new")


def fund_url(fund, suffix=""):
    return reverse(f"funds:fund{suffix}", args=[fund.pk])


def page(client, user, url, params=None):
    client.force_login(user)
    return client.get(url, params or {})


def has_error(text: str, name: str) -> bool:
    return f'class="field has-error" id="field-{name}"' in text


@pytest.fixture
def moved(cast, books):
    """300,000 received; 200,000 to the road, 50,000 to the cattle; 20,000 of the road's spent; the
    cattle's allocation reversed."""
    county, fund = cast["county"], books["fund"]
    entries = [actions.receive(fund, actor=county, amount="300000", voucher="记-001"),
               actions.allocate(fund, books["road"], actor=county, amount="200000"),
               actions.allocate(fund, books["cattle"], actor=county, amount="50000"),
               actions.spend(fund, books["road"], actor=county, amount="20000", voucher="记-007")]
    entries.append(actions.reverse(entries[2], actor=county, reason="立项重复"))
    return entries


def test_the_county_lists_its_funds_with_balances_and_totals_by_source(client, cast, books, moved):
    fund = books["fund"]
    text = page(client, cast["county"], LIST).content.decode()
    assert (f'id="fund-{fund.pk}" data-source="central" data-received="300000.00" data-allocated="200000.00" '
            f'data-unallocated="100000.00" data-spent="20000.00"') in text
    assert 'id="source-central" data-received="300000.00"' in text
    assert 'id="funds-total" data-received="300000.00" data-allocated="200000.00"' in text
    assert f'href="{NEW}" id="new-fund"' in text and "funds/ledger.css" in text


def test_the_list_filters_by_year_and_source(client, cast, books, moved):
    county = cast["county"]
    other = actions.create_fund(actor=county, area_code=XIJI, source="donation", year=2019, name="社会捐赠")
    response = page(client, county, LIST, {"year": 2019})
    assert [f.pk for f, _t in response.context["rows"]] == [other.pk]
    response = page(client, county, LIST, {"source": "central"})
    assert [f.pk for f, _t in response.context["rows"]] == [books["fund"].pk]
    unfiltered = page(client, county, LIST, {"year": "x", "source": "nonsense"})
    assert unfiltered.context["page"].paginator.count == 2


@pytest.mark.parametrize("who", ["province", "prefecture", "auditor"])
def test_overseers_read_the_county_s_funds_without_forms(client, cast, books, moved, who):
    fund = books["fund"]
    text = page(client, cast[who], LIST, {"area": XIJI}).content.decode()
    assert f'id="fund-{fund.pk}"' in text and 'id="new-fund"' not in text
    response = page(client, cast[who], fund_url(fund))
    text = response.content.decode()
    assert response.status_code == 200 and 'id="ledger"' in text
    for form in ("receive-form", "allocate-form", "recover-form", "reverse-form"):
        assert f'id="{form}"' not in text
    assert 'class="reverse-link"' not in text and 'class="recover-link"' not in text


def test_another_county_s_officer_sees_nothing_of_xiji(client, cast, books, moved):
    yanchi = cast["other_county"]
    assert page(client, yanchi, fund_url(books["fund"])).status_code == 404
    assert page(client, yanchi, LIST, {"area": XIJI}).status_code == 404
    response = page(client, yanchi, LIST)  # their own county: no Xiji fund
    assert response.context["area"].code == YANCHI and response.context["page"].paginator.count == 0
    assert page(client, yanchi, fund_url(books["fund"], "_export")).status_code == 404
    posted = client.post(fund_url(books["fund"], "_receive"), {"receive-amount": "10"})
    assert posted.status_code == 404


def test_a_village_cadre_reads_no_county_fund(client, cast, books, moved):
    cadre = cast["cadre_a"]
    assert page(client, cadre, fund_url(books["fund"])).status_code == 404
    response = page(client, cadre, LIST)
    assert response.status_code == 200 and response.context["page"].paginator.count == 0


@pytest.mark.parametrize("who", ["helper", "outsider"])
def test_helpers_and_users_without_a_post_are_refused(client, cast, books, who):
    assert page(client, cast[who], LIST).status_code == 403
    assert page(client, cast[who], fund_url(books["fund"])).status_code == 403
    assert page(client, cast[who], fund_url(books["fund"], "_export")).status_code == 403
    assert page(client, cast[who], NEW).status_code == 403


def test_anonymous_readers_are_sent_to_sign_in(client, books):
    response = client.get(fund_url(books["fund"]))
    assert response.status_code == 302 and "login" in response["Location"]


# The ledger -------------------------------------------------------------------------------------------

def test_the_ledger_runs_the_unallocated_balance_and_sets_reversals_against_what_they_undo(
        client, cast, books, moved):
    receipt, road, cattle, spending, reversal = moved
    response = page(client, cast["county"], fund_url(books["fund"]))
    text = response.content.decode()
    rows = response.context["rows"]
    assert [r.entry.pk for r in rows] == [e.pk for e in moved]
    assert [r.unallocated for r in rows] == [Decimal(v) for v in ("300000", "100000", "50000", "50000",
                                                                  "100000")]
    assert rows[-1].allocated == Decimal("-50000") and rows[2].undone_by == reversal
    assert (f'id="entry-{spending.pk}" class="spending" data-kind="spending" '
            'data-unallocated="50000.00"') in text
    assert (f'id="entry-{cattle.pk}" class="allocation reversed" data-kind="allocation" '
            f'data-reversed-by="{reversal.pk}" data-unallocated="50000.00"') in text
    assert (f'id="entry-{reversal.pk}" class="allocation reversal" data-kind="allocation" '
            f'data-reverses="{cattle.pk}" data-unallocated="100000.00"') in text
    assert f'href="#entry-{cattle.pk}"' in text and f'href="#entry-{reversal.pk}"' in text
    assert 'id="fund-balances" data-received="300000.00" data-allocated="200000.00" ' \
           'data-unallocated="100000.00" data-spent="20000.00" data-unspent="180000.00"' in text
    assert f'id="allocation-{books["road"].pk}" data-allocated="200000.00" data-spent="20000.00"' in text
    assert f'id="allocation-{books["cattle"].pk}" data-allocated="0.00"' in text
    # Only entries still standing may be reversed.
    assert f'href="?reverse={road.pk}&amp;page=1#reverse-form"' in text
    assert f'href="?reverse={cattle.pk}&amp;' not in text
    assert f'href="?reverse={reversal.pk}&amp;' not in text


def test_the_ledger_downloads_as_csv_with_its_running_balance(client, cast, books, moved):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = page(client, cast["auditor"], fund_url(books["fund"], "_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("entry number,date,kind,reverses entry")
    assert len(lines) == 6
    last = lines[-1].split(",")
    assert last[3] == str(moved[2].pk) and last[9] == "-50000.00" and last[11] == "100000.00"
    assert lines[2].split(",")[5] == books["road"].name


# Forms ------------------------------------------------------------------------------------------------

def test_a_receipt_is_recorded_and_a_bad_amount_shows_at_its_field(client, cast, books):
    client.force_login(cast["county"])
    response = client.post(fund_url(books["fund"], "_receive"),
                           {"receive-amount": "1000.5", "receive-voucher": "记-9"})
    assert response.status_code == 302 and response["Location"].endswith("#ledger")
    entry = Entry.objects.get()
    assert (entry.kind, entry.amount, entry.voucher, entry.recorded_by) == (
        "receipt", Decimal("1000.50"), "记-9", cast["county"])
    for bad in ("0", "abc", "1.234"):
        response = client.post(fund_url(books["fund"], "_receive"), {"receive-amount": bad})
        assert response.status_code == 200 and has_error(response.content.decode(), "receive-amount")
    assert Entry.objects.count() == 1


def test_a_refused_allocation_shows_the_money_available_at_the_amount(client, cast, books, moved):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast["county"])
    response = client.post(fund_url(books["fund"], "_allocate"), {
        "allocate-project": books["cattle"].pk, "allocate-amount": "150000"})
    text = response.content.decode()
    assert response.status_code == 200 and has_error(text, "allocate-amount")
    assert "100,000.00" in text
    assert Entry.objects.count() == len(moved)
    response = client.post(fund_url(books["fund"], "_allocate"), {
        "allocate-project": books["cattle"].pk, "allocate-amount": "100000", "allocate-memo": "养殖补助"})
    assert response.status_code == 302
    assert Entry.objects.filter(kind="allocation", project=books["cattle"], memo="养殖补助").exists()


def test_a_reversal_needs_a_reason_and_money_that_has_not_moved_on(client, cast, books, moved):
    road = moved[1]
    client.force_login(cast["county"])
    response = client.post(fund_url(books["fund"], "_reverse"),
                           {"reverse-entry": road.pk, "reverse-reason": ""})
    assert has_error(response.content.decode(), "reverse-reason")
    # 20,000 of the road's allocation is spent: it cannot be taken back whole.
    response = client.post(fund_url(books["fund"], "_reverse"), {"reverse-entry": road.pk,
                                                                 "reverse-reason": "错记"})
    assert response.status_code == 200
    assert '<div class="errors" role="alert">' in response.content.decode()  # about the entry as a whole
    assert not Entry.objects.filter(reverses=road).exists()
    # An entry reversed already is no longer offered.
    response = client.post(fund_url(books["fund"], "_reverse"), {"reverse-entry": moved[2].pk,
                                                                 "reverse-reason": "再次"})
    assert has_error(response.content.decode(), "reverse-entry")
    spending = moved[3]
    response = client.post(fund_url(books["fund"], "_reverse"), {"reverse-entry": spending.pk,
                                                                 "reverse-reason": "凭证作废"})
    assert response.status_code == 302
    assert Entry.objects.get(reverses=spending).memo == "凭证作废"


def test_a_recovery_takes_a_project_s_unspent_money_back_and_the_running_balance_rises(
        client, cast, books, moved):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    fund, road = books["fund"], books["road"]
    client.force_login(cast["county"])
    text = client.get(fund_url(fund)).content.decode()
    # Only the road holds money of the fund not spent (the cattle's allocation was reversed).
    assert 'id="recover-form"' in text
    assert f'class="recover-link" href="?recover={road.pk}#recover-form"' in text
    assert f'href="?recover={books["cattle"].pk}#' not in text
    offered = client.get(fund_url(fund), {"recover": road.pk}).context["recover_form"]
    assert list(offered.fields["project"].queryset) == [road] and offered["project"].value() == str(road.pk)
    url = fund_url(fund, "_recover")
    response = client.post(url, {"recover-project": road.pk, "recover-amount": "180000.01",
                                 "recover-memo": "结余收回"})
    text = response.content.decode()
    assert has_error(text, "recover-amount") and "180,000.00" in text
    response = client.post(url, {"recover-project": books["cattle"].pk, "recover-amount": "1",
                                 "recover-memo": "结余收回"})
    assert has_error(response.content.decode(), "recover-project")  # holds nothing of the fund
    assert has_error(client.post(url, {"recover-project": road.pk, "recover-amount": "1"}).content.decode(),
                     "recover-memo")
    assert Entry.objects.count() == len(moved)
    response = client.post(url, {"recover-project": road.pk, "recover-amount": "80000",
                                 "recover-memo": "结余收回"})
    assert response.status_code == 302 and response["Location"].endswith("#ledger")
    recovery = Entry.objects.get(kind="recovery")
    assert (recovery.project, recovery.amount, recovery.memo) == (road, Decimal("80000.00"), "结余收回")
    response = client.get(fund_url(fund))
    text = response.content.decode()
    row = response.context["rows"][-1]
    assert (row.entry, row.allocated, row.unallocated) == (recovery, Decimal("-80000"), Decimal("180000"))
    assert (f'id="entry-{recovery.pk}" class="recovery" data-kind="recovery" '
            'data-unallocated="180000.00"') in text
    assert 'id="fund-balances" data-received="300000.00" data-allocated="120000.00" ' \
           'data-unallocated="180000.00" data-spent="20000.00" data-unspent="100000.00"' in text
    assert f'id="allocation-{road.pk}" data-allocated="120000.00" data-spent="20000.00" ' \
           'data-unspent="100000.00"' in text
    # The money may be allocated again; once it is, the recovery can no longer be reversed.
    assert actions.allocate(fund, books["cattle"], actor=cast["county"], amount="180000").amount == 180000
    response = client.post(fund_url(fund, "_reverse"), {"reverse-entry": recovery.pk,
                                                        "reverse-reason": "错记"})
    assert response.status_code == 200 and not Entry.objects.filter(reverses=recovery).exists()
    lines = b"".join(page(client, cast["county"], fund_url(fund, "_export")).streaming_content).decode()
    recovered = next(line.split(",") for line in lines.splitlines() if line.startswith(f"{recovery.pk},"))
    assert (recovered[2], recovered[5], recovered[9], recovered[11]) == (
        "recovered from the project", road.name, "-80000.00", "180000.00")


def test_a_fund_whose_projects_spent_all_they_hold_offers_no_recovery(client, cast, books):
    county, fund = cast["county"], books["fund"]
    actions.receive(fund, actor=county, amount="1000")
    actions.allocate(fund, books["road"], actor=county, amount="1000")
    actions.spend(fund, books["road"], actor=county, amount="1000")
    text = page(client, county, fund_url(fund)).content.decode()
    assert 'id="allocate-form"' in text
    assert 'id="recover-form"' not in text and 'class="recover-link"' not in text


def test_the_reverse_link_chooses_the_entry(client, cast, books, moved):
    response = page(client, cast["county"], fund_url(books["fund"]), {"reverse": moved[1].pk})
    assert response.context["reverse_form"]["entry"].value() == str(moved[1].pk)


def test_a_long_ledger_is_paged_from_its_latest_entries_with_the_balance_running_across_pages(
        client, cast, books, moved, monkeypatch):
    monkeypatch.setattr("jingzhun.funds.fund_views.LEDGER_PAGE", 2)
    response = page(client, cast["county"], fund_url(books["fund"]))
    assert [r.entry.pk for r in response.context["rows"]] == [moved[4].pk]
    assert 'class="pager"' in response.content.decode()
    response = page(client, cast["county"], fund_url(books["fund"]), {"page": 2})
    assert [(r.entry.pk, r.unallocated) for r in response.context["rows"]] == [
        (moved[2].pk, Decimal("50000")), (moved[3].pk, Decimal("50000"))]


@pytest.mark.parametrize(("who", "status"), [("province", 403), ("auditor", 403), ("cadre_a", 404),
                                             ("township", 404), ("other_county", 404), ("helper", 403)])
def test_only_the_county_s_officers_write_the_ledger(client, cast, books, who, status):
    client.force_login(cast[who])
    for suffix, data in (("_receive", {"receive-amount": "10"}),
                         ("_allocate", {"allocate-project": books["road"].pk, "allocate-amount": "1"}),
                         ("_recover", {"recover-project": books["road"].pk, "recover-amount": "1",
                                       "recover-memo": "收回"}),
                         ("_reverse", {"reverse-entry": 1, "reverse-reason": "错记"})):
        assert client.post(fund_url(books["fund"], suffix), data).status_code == status
    assert not Entry.objects.exists()


# A new fund -------------------------------------------------------------------------------------------

def test_the_county_records_a_new_fund(client, cast, reference_data):
    client.force_login(cast["county"])
    response = client.get(NEW)
    assert response.status_code == 200
    assert [code for code, _name in response.context["form"].fields["area"].choices] == [XIJI]
    response = client.post(NEW, {"area": XIJI, "source": "provincial", "year": 2020,
                                 "name": "自治区财政扶贫资金", "purposes": ["infrastructure", "housing"],
                                 "document": "宁财农〔2020〕12号"})
    fund = Fund.objects.get()
    assert response.status_code == 302 and response["Location"] == fund_url(fund)
    assert (fund.area_id, fund.source, fund.purposes, fund.document, fund.created_by) == (
        XIJI, "provincial", ["housing", "infrastructure"], "宁财农〔2020〕12号", cast["county"])


def test_a_new_fund_s_errors_show_at_their_fields(client, cast, reference_data):
    client.force_login(cast["county"])
    response = client.post(NEW, {"area": XIJI, "source": "pairing", "year": 2020, "name": "闽宁协作资金"})
    assert response.status_code == 200 and has_error(response.content.decode(), "partner")
    response = client.post(NEW, {"area": XIJI, "source": "central", "year": 2031, "name": "x"})
    assert has_error(response.content.decode(), "year")
    response = client.post(NEW, {"area": VILLAGE_A, "source": "central", "year": 2020, "name": "x"})
    assert has_error(response.content.decode(), "area")  # not offered: villages hold no funds
    assert not Fund.objects.exists()


@pytest.mark.parametrize("who", ["province", "auditor", "cadre_a", "township"])
def test_only_county_officers_open_the_new_fund_form(client, cast, reference_data, who):
    assert page(client, cast[who], NEW).status_code == 403


def test_the_fund_links_its_projects_and_offers_those_of_its_area_not_cancelled(client, cast, books, moved):
    county = cast["county"]
    other = make_project(county, name="另一个项目")
    dropped = make_project(county, name="取消的项目")
    dropped.state = "cancelled"
    dropped.save()
    old = make_project(county, name="2017年的项目")
    Project.objects.filter(pk=old.pk).update(year=2017)  # three years before the fund's
    response = page(client, county, fund_url(books["fund"]))
    assert f'href="{reverse("funds:project", args=[books["road"].pk])}"' in response.content.decode()
    offered = set(response.context["allocate_form"].fields["project"].queryset)
    assert other in offered and books["cattle"] in offered and dropped not in offered and old not in offered


def test_each_page_of_a_long_ledger_shows_the_balances_of_the_whole_walk(client, cast, books, monkeypatch):
    """Fourteen entries, three a page: reversals and recoveries on pages apart from what they undo."""
    county, fund, road, cattle = cast["county"], books["fund"], books["road"], books["cattle"]
    e = [actions.receive(fund, actor=county, amount="100000"),
         actions.receive(fund, actor=county, amount="50000"),
         actions.allocate(fund, road, actor=county, amount="60000"),
         actions.allocate(fund, cattle, actor=county, amount="30000"),
         actions.spend(fund, road, actor=county, amount="10000.55")]
    e.append(actions.reverse(e[3], actor=county, reason="重复"))
    e.append(actions.recover(fund, road, actor=county, amount="20000", memo="结余"))
    e.append(actions.receive(fund, actor=county, amount="5000"))
    e.append(actions.reverse(e[7], actor=county, reason="错记"))
    e.append(actions.allocate(fund, cattle, actor=county, amount="40000"))
    e.append(actions.reverse(e[6], actor=county, reason="收回有误"))
    e.append(actions.spend(fund, cattle, actor=county, amount="1000"))
    e.append(actions.reverse(e[4], actor=county, reason="凭证作废"))
    e.append(actions.recover(fund, cattle, actor=county, amount="9000.45", memo="完工结余"))
    whole = fund_queries.ledger(fund)
    assert [r.entry.pk for r in whole] == [x.pk for x in e] and whole[-1].unallocated == Decimal("59000.45")
    monkeypatch.setattr("jingzhun.funds.fund_views.LEDGER_PAGE", 3)
    shown = []
    for number in range(1, 6):
        response = page(client, county, fund_url(fund), {"page": number})
        shown += response.context["rows"]
    assert [(r.entry.pk, r.received, r.allocated, r.spent, r.unallocated, r.undone_by) for r in shown] == [
        (r.entry.pk, r.received, r.allocated, r.spent, r.unallocated, r.undone_by) for r in whole]
    latest = page(client, county, fund_url(fund)).context
    assert latest["page"].number == 5 and [r.entry.pk for r in latest["rows"]] == [e[12].pk, e[13].pk]
    # A reversal links the entry it undoes on its own page, or on the page it is on; and back.
    text = page(client, county, fund_url(fund), {"page": 5}).content.decode()
    assert f'<a href="?page=2#entry-{e[4].pk}">#{e[4].pk}</a>' in text  # e[12] reverses e[4]
    text = page(client, county, fund_url(fund), {"page": 2}).content.decode()
    assert f'<a href="?page=5#entry-{e[12].pk}">#{e[12].pk}</a>' in text
    assert f'<a href="#entry-{e[3].pk}">#{e[3].pk}</a>' in text  # e[5] reverses e[3], both on page 2
    assert f'<a href="#entry-{e[5].pk}">#{e[5].pk}</a>' in text
    text = page(client, county, fund_url(fund), {"page": 3}).content.decode()
    assert f'<a href="?page=4#entry-{e[10].pk}">#{e[10].pk}</a>' in text  # e[10] reverses e[6]
    assert f'<a href="#entry-{e[7].pk}">#{e[7].pk}</a>' in text  # e[8] reverses e[7]
