"""The projects' pages through the test client: who reads which projects, a village's investment against
the standard, a project's funding, entries, beneficiaries (ID numbers masked by role) and history, and
the forms only the county's officers get (spending, recovering unspent money, households, output, state),
with their errors at the fields."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from jingzhun.funds import actions, project_actions, queries
from jingzhun.funds.models import Beneficiary, Entry, Project, ProjectEvent
from jingzhun.registry.models import AuditEvent
from tests.conftest import PROVINCE, VILLAGE_A, VILLAGE_B, XIJI

pytestmark = pytest.mark.django_db
LIST, NEW = reverse("funds:projects"), reverse("funds:project_new")
State = Project.State


def project_url(project, suffix="", *args):
    return reverse(f"funds:project{suffix}", args=[project.pk, *args])


def page(client, user, url, params=None):
    client.force_login(user)
    return client.get(url, params or {})


def has_error(text: str, name: str) -> bool:
    return f'class="field has-error" id="field-{name}"' in text


@pytest.fixture
def funded(cast, books, make_household):
    """The road (village A) has 200,000 allocated, 30,000 of it paid to one of its two beneficiary
    households as a housing subsidy; the cattle (village B) 50,000."""
    county, fund, road = cast["county"], books["fund"], books["road"]
    households = [make_household(actor=county, head_name=name) for name in ("马德福", "李秀英")]
    project_actions.add_beneficiaries(road, households, actor=county)
    actions.receive(fund, actor=county, amount="300000")
    actions.allocate(fund, road, actor=county, amount="200000")
    actions.allocate(fund, books["cattle"], actor=county, amount="50000")
    actions.spend(fund, road, actor=county, amount="30000", household=households[0],
                  subsidy="housing_renovation")
    return {**books, "households": households}


def test_the_county_lists_its_projects_with_money_output_and_beneficiaries(client, cast, funded):
    road, cattle = funded["road"], funded["cattle"]
    text = page(client, cast["county"], LIST).content.decode()
    assert (f'id="project-{road.pk}" data-state="planned" data-kind="road" data-allocated="200000.00" '
            f'data-spent="30000.00" data-beneficiaries="2"') in text
    assert f'id="project-{cattle.pk}"' in text
    assert f'href="{NEW}?area={XIJI}" id="new-project"' in text and "funds/ledger.css" in text
    assert 'id="village-investment"' not in text  # only a village's list


def test_the_list_filters_by_year_kind_and_state(client, cast, funded):
    county = cast["county"]
    project_actions.start_project(funded["cattle"], actor=county)
    pks = lambda response: [p.pk for p, _t in response.context["rows"]]  # noqa: E731
    assert pks(page(client, county, LIST, {"kind": "industry"})) == [funded["cattle"].pk]
    assert pks(page(client, county, LIST, {"state": "under_way"})) == [funded["cattle"].pk]
    assert pks(page(client, county, LIST, {"year": 2019})) == []
    assert len(pks(page(client, county, LIST, {"kind": "bridge", "state": "lost", "year": "x"}))) == 2


def test_a_village_s_list_sets_its_year_s_allocation_against_the_standard(client, cast, funded):
    text = page(client, cast["cadre_a"], LIST, {"year": 2020}).content.decode()
    assert ('id="village-investment" data-year="2020" data-allocated="200000.00" data-budget="500000.00" '
            'data-standard="1000000.00" data-meets="no"') in text
    # Before 2009 there is no standard to compare with.
    text = page(client, cast["cadre_a"], LIST, {"year": 2005}).content.decode()
    assert 'data-standard="" data-meets=""' in text


def test_without_a_year_a_village_s_investment_is_of_its_latest_project_year(client, cast, funded):
    Project.objects.filter(pk=funded["cattle"].pk).update(year=2019)
    text = page(client, cast["cadre_b"], LIST).content.decode()
    assert 'id="village-investment" data-year="2019" data-allocated="50000.00"' in text


def test_a_village_reaching_the_standard_says_so(client, cast, books):
    county = cast["county"]
    fund = books["fund"]
    actions.receive(fund, actor=county, amount="1200000")
    actions.allocate(fund, books["road"], actor=county, amount="1000000")
    text = page(client, county, LIST, {"area": VILLAGE_A, "year": 2020}).content.decode()
    assert 'data-allocated="1000000.00"' in text and 'data-meets="yes"' in text


def test_a_cadre_reads_their_village_s_projects_only_and_gets_no_forms(client, cast, funded):
    road, cattle = funded["road"], funded["cattle"]
    cadre = cast["cadre_a"]
    response = page(client, cadre, LIST)
    assert [p.pk for p, _t in response.context["rows"]] == [road.pk]
    assert 'id="new-project"' not in response.content.decode()
    response = page(client, cadre, project_url(road))
    text = response.content.decode()
    assert response.status_code == 200 and 'id="funding"' in text and 'id="beneficiaries"' in text
    for form in ("spend-form", "beneficiaries-form", "output-form", "move-under_way-form",
                 "move-cancelled-form"):
        assert f'id="{form}"' not in text
    assert page(client, cadre, project_url(cattle)).status_code == 404
    assert page(client, cadre, LIST, {"area": VILLAGE_B}).status_code == 404
    client.force_login(cadre)
    assert client.post(project_url(road, "_move", "under_way"), {}).status_code == 403
    posted = client.post(project_url(road, "_beneficiaries"), {"beneficiaries-households": "x"})
    assert posted.status_code == 403
    assert page(client, cadre, NEW).status_code == 403
    assert Project.objects.get(pk=road.pk).state == State.PLANNED


def test_another_county_s_officer_gets_404_on_xiji_projects(client, cast, funded):
    yanchi = cast["other_county"]
    assert page(client, yanchi, project_url(funded["road"])).status_code == 404
    assert page(client, yanchi, LIST, {"area": XIJI}).status_code == 404
    assert page(client, yanchi, LIST).context["page"].paginator.count == 0
    client.force_login(yanchi)
    assert client.post(project_url(funded["road"], "_move", "under_way"), {}).status_code == 404


@pytest.mark.parametrize("who", ["province", "prefecture", "auditor", "township"])
def test_overseers_read_every_project_of_their_area_without_forms(client, cast, funded, who):
    area = PROVINCE if who == "province" else XIJI
    response = page(client, cast[who], LIST, {"area": area} if who != "township" else None)
    assert {p.pk for p, _t in response.context["rows"]} == {funded["road"].pk, funded["cattle"].pk}
    text = page(client, cast[who], project_url(funded["road"])).content.decode()
    assert 'id="funding"' in text and 'id="spend-form"' not in text and 'id="move-under_way-form"' not in text


@pytest.mark.parametrize("who", ["helper", "outsider"])
def test_helpers_and_users_without_a_post_are_refused(client, cast, funded, who):
    assert page(client, cast[who], LIST).status_code == 403
    assert page(client, cast[who], project_url(funded["road"])).status_code == 403
    assert page(client, cast[who], NEW).status_code == 403


def test_the_project_page_shows_funding_entries_and_beneficiaries(client, cast, funded):
    road, (paid, unpaid) = funded["road"], funded["households"]
    response = page(client, cast["county"], project_url(road))
    text = response.content.decode()
    assert 'id="project-money" data-budget="500000.00" data-allocated="200000.00" data-spent="30000.00" ' \
           'data-unspent="170000.00"' in text
    assert 'id="source-central" data-allocated="200000.00" data-spent="30000.00"' in text
    spending = Entry.objects.get(kind="spending")
    assert f'id="entry-{spending.pk}" class="spending"' in text and "housing_renovation" in text
    assert f'id="beneficiary-{paid.pk}" data-household="{paid.pk}" data-paid="30000.00"' in text
    assert f'id="beneficiary-{unpaid.pk}" data-household="{unpaid.pk}" data-paid="0.00"' in text
    head = paid.members.get().id_number
    assert head in text  # the county's officers see ID numbers whole
    assert 'id="project-progress" data-percent="0"' in text
    assert f'href="{reverse("funds:fund", args=[funded["fund"].pk])}"' in text


def test_id_numbers_are_masked_for_roles_that_do_not_see_them(client, cast, funded):
    head = funded["households"][0].members.get().id_number
    text = page(client, cast["auditor"], project_url(funded["road"])).content.decode()
    assert head not in text and f"{head[:6]}********{head[-4:]}" in text
    text = page(client, cast["cadre_a"], project_url(funded["road"])).content.decode()
    assert head in text  # the village's cadre works with them
    # The cadre cannot open the county's fund: its name is shown without a link.
    assert f'href="{reverse("funds:fund", args=[funded["fund"].pk])}"' not in text


# Forms ------------------------------------------------------------------------------------------------

def test_a_payment_is_recorded_and_its_errors_show_at_their_fields(client, cast, funded, make_household):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    road, household, fund = funded["road"], funded["households"][1], funded["fund"]
    not_listed = make_household(actor=cast["county"])
    client.force_login(cast["county"])
    url = project_url(road, "_spend")
    response = client.post(url, {"spend-fund": fund.pk, "spend-amount": "170000.01"})
    text = response.content.decode()
    assert has_error(text, "spend-amount") and "170,000.00" in text
    response = client.post(url, {"spend-fund": fund.pk, "spend-amount": "100",
                                 "spend-subsidy": "housing_renovation"})
    assert has_error(response.content.decode(), "spend-household")
    for number in (not_listed.number, "999999999999"):  # a payment goes to a beneficiary household
        response = client.post(url, {"spend-fund": fund.pk, "spend-amount": "100", "spend-household": number})
        assert has_error(response.content.decode(), "spend-household")
    assert not Entry.objects.filter(amount=100).exists()
    response = client.post(url, {"spend-fund": fund.pk, "spend-amount": "8000.00",
                                 "spend-household": household.number, "spend-subsidy": "housing_renovation",
                                 "spend-voucher": "记-12"})
    assert response.status_code == 302 and response["Location"].endswith("#entries")
    entry = Entry.objects.get(household=household)
    assert (entry.amount, entry.subsidy, entry.voucher, entry.project) == (
        Decimal("8000.00"), "housing_renovation", "记-12", road)
    assert AuditEvent.objects.filter(household=household, entity="payment", entity_id=entry.pk).exists()


def test_a_project_without_money_of_the_officer_s_funds_offers_no_payment(client, cast, books):
    text = page(client, cast["county"], project_url(books["road"])).content.decode()
    assert 'id="spend-form"' not in text and 'id="no-money-to-spend"' in text


def test_households_are_added_by_number_and_refusals_name_them(client, cast, funded, make_household):
    county, road = cast["county"], funded["road"]
    of_b = make_household(VILLAGE_B, actor=county)
    applicant = make_household(actor=county, status="applicant")
    fresh = make_household(actor=county)
    client.force_login(county)
    url = project_url(road, "_beneficiaries")
    for numbers, named in ((f"{fresh.number} 999999999999", "999999999999"), (of_b.number, of_b.number),
                           (f"{fresh.number}，{applicant.number}", applicant.number)):
        response = client.post(url, {"beneficiaries-households": numbers})
        text = response.content.decode()
        assert has_error(text, "beneficiaries-households") and named in text
    assert not Beneficiary.objects.filter(household=fresh).exists()
    listed = funded["households"][0]
    response = client.post(url, {"beneficiaries-households": f"{fresh.number}\n{listed.number}"})
    assert response.status_code == 302
    assert set(Beneficiary.objects.filter(project=road).values_list("household_id", flat=True)) == {
        *(h.pk for h in funded["households"]), fresh.pk}
    text = page(client, county, project_url(road)).content.decode()
    assert f'id="beneficiary-{fresh.pk}"' in text


def test_the_state_buttons_move_the_project_to_acceptance(client, cast, funded):
    county, road = cast["county"], funded["road"]
    client.force_login(county)
    text = client.get(project_url(road)).content.decode()
    assert 'id="move-under_way-form"' in text and 'id="move-cancelled-form"' in text
    assert 'id="move-accepted-form"' not in text and 'id="output-form"' not in text
    response = client.post(project_url(road, "_move", "under_way"), {"move-under_way-on": "2020-04-01"})
    assert response.status_code == 302 and response["Location"].endswith("#state")
    response = client.post(project_url(road, "_move", "under_way"), {})
    assert response.status_code == 200 and '<div class="errors" role="alert">' in response.content.decode()
    response = client.post(project_url(road, "_move", "completed"), {"move-completed-on": "2020-03-01"})
    assert has_error(response.content.decode(), "move-completed-on")  # before the start
    client.post(project_url(road, "_move", "completed"), {"move-completed-on": "2020-06-20"})
    text = client.get(project_url(road)).content.decode()
    assert 'id="move-accepted-form"' in text and 'id="acceptance-note"' in text
    response = client.post(project_url(road, "_move", "accepted"), {})
    assert '<div class="errors" role="alert">' in response.content.decode()  # no output recorded
    response = client.post(project_url(road, "_output"), {"output-output_achieved": "-1"})
    assert has_error(response.content.decode(), "output-output_achieved")
    assert client.post(project_url(road, "_output"), {"output-output_achieved": "5.2"}).status_code == 302
    assert client.post(project_url(road, "_move", "accepted"), {}).status_code == 302
    road.refresh_from_db()
    assert (road.state, road.started_on, road.completed_on, road.accepted_by, road.output_achieved) == (
        State.ACCEPTED, datetime.date(2020, 4, 1), datetime.date(2020, 6, 20), county, Decimal("5.20"))
    text = client.get(project_url(road)).content.decode()
    assert 'id="project-state" data-state="accepted"' in text
    assert 'id="project-progress" data-percent="100"' in text
    assert 'id="beneficiaries-form"' not in text and 'id="move-' not in text
    for old, new, on in (("planned", "under_way", "2020-04-01"), ("under_way", "completed", "2020-06-20"),
                         ("completed", "accepted", "2020-06-30")):
        event = ProjectEvent.objects.get(project=road, action="state", new=new)
        assert (f'id="event-{event.pk}" data-action="state" data-field="state" data-old="{old}" '
                f'data-new="{new}" data-on="{on}"') in text
    event = ProjectEvent.objects.get(project=road, action="output")
    assert f'id="event-{event.pk}" data-action="output" data-field="output_achieved" data-old="0.00" ' \
           f'data-new="5.20"' in text
    assert client.post(project_url(road, "_move", "nowhere"), {}).status_code == 404


def test_cancelling_needs_a_reason_and_no_unspent_money(client, cast, funded):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    county, cattle = cast["county"], funded["cattle"]
    client.force_login(county)
    url = project_url(cattle, "_move", "cancelled")
    response = client.post(url, {"move-cancelled-reason": ""})
    assert has_error(response.content.decode(), "move-cancelled-reason")
    text = client.post(url, {"move-cancelled-reason": "选址变更"}).content.decode()
    assert has_error(text, "move-cancelled-reason") and "50,000.00" in text and "recover it" in text
    # The refused form says how much is left and links to the form that recovers it.
    assert 'id="recover-first" data-unspent="50000.00"' in text
    assert 'href="#recover-form" id="recover-link"' in text and 'id="recover-form"' in text
    actions.reverse(Entry.objects.get(project=cattle, kind="allocation"), actor=county, reason="项目取消")
    text = client.get(project_url(cattle)).content.decode()
    assert 'id="recover-first"' not in text and 'id="recover-form"' not in text
    assert client.post(url, {"move-cancelled-reason": "选址变更"}).status_code == 302
    text = client.get(project_url(cattle)).content.decode()
    assert 'data-state="cancelled"' in text and 'id="spend-form"' not in text
    event = ProjectEvent.objects.get(project=cattle, action="state")
    assert 'id="project-cancelled" data-on="2020-06-30"' in text and "选址变更" in text
    assert f'id="event-{event.pk}" data-action="state" data-field="state" data-old="planned" ' \
           f'data-new="cancelled" data-on="2020-06-30"' in text
    assert Project.objects.get(pk=cattle.pk).note == ""  # the reason is the event's, not the note's


def test_a_half_spent_project_is_cancelled_after_the_rest_is_recovered_on_its_page(client, cast, funded):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    county, road, fund = cast["county"], funded["road"], funded["fund"]
    client.force_login(county)
    cancel = project_url(road, "_move", "cancelled")
    assert has_error(client.post(cancel, {"move-cancelled-reason": "停建"}).content.decode(),
                     "move-cancelled-reason")
    form = client.get(project_url(road)).context["recover_form"]
    assert (form["fund"].value(), form["amount"].value()) == (fund.pk, Decimal("170000.00"))  # all of it
    url = project_url(road, "_recover")
    response = client.post(url, {"recover-fund": fund.pk, "recover-amount": "170000.01",
                                 "recover-memo": "停建收回"})
    text = response.content.decode()
    assert has_error(text, "recover-amount") and "170,000.00" in text  # no more than is unspent
    response = client.post(url, {"recover-fund": fund.pk, "recover-amount": "170000"})
    assert has_error(response.content.decode(), "recover-memo")  # a recovery says why
    assert not Entry.objects.filter(kind="recovery").exists()
    response = client.post(url, {"recover-fund": fund.pk, "recover-amount": "170000",
                                 "recover-on": "2020-06-28", "recover-memo": "停建收回"})
    assert response.status_code == 302 and response["Location"].endswith("#entries")
    recovery = Entry.objects.get(kind="recovery")
    assert (recovery.fund, recovery.project, recovery.amount, recovery.on, recovery.memo) == (
        fund, road, Decimal("170000.00"), datetime.date(2020, 6, 28), "停建收回")
    assert recovery.recorded_by == county
    text = client.get(project_url(road)).content.decode()
    assert 'id="project-money" data-budget="500000.00" data-allocated="30000.00" data-spent="30000.00" ' \
           'data-unspent="0.00"' in text
    assert 'id="source-central" data-allocated="30000.00" data-spent="30000.00"' in text  # netted out
    assert f'id="entry-{recovery.pk}" class="recovery" data-kind="recovery"' in text
    assert 'id="recover-form"' not in text and 'id="spend-form"' not in text
    assert client.post(cancel, {"move-cancelled-reason": "停建"}).status_code == 302
    assert Project.objects.get(pk=road.pk).state == State.CANCELLED


def test_a_cancelled_project_still_offers_to_recover_money_a_reversed_payment_left_there(client, cast, books):
    county, fund, road = cast["county"], books["fund"], books["road"]
    actions.receive(fund, actor=county, amount="1000")
    actions.allocate(fund, road, actor=county, amount="1000")
    payment = actions.spend(fund, road, actor=county, amount="1000")
    project_actions.cancel_project(road, actor=county, reason="停建")
    actions.reverse(payment, actor=county, reason="凭证作废")  # the money is the project's again
    client.force_login(county)
    text = client.get(project_url(road)).content.decode()
    assert 'id="recover-form"' in text and 'id="spend-form"' not in text and 'id="move-' not in text
    response = client.post(project_url(road, "_recover"), {"recover-fund": fund.pk, "recover-amount": "1000",
                                                           "recover-memo": "项目已取消"})
    assert response.status_code == 302
    assert queries.fund_balances(fund).unallocated(fund.pk) == Decimal("1000.00")


@pytest.mark.parametrize(("who", "status"), [("cadre_a", 403), ("township", 403), ("auditor", 403),
                                             ("province", 403), ("other_county", 404), ("helper", 403),
                                             ("outsider", 403)])
def test_only_the_county_s_officers_recover_a_project_s_money(client, cast, funded, who, status):
    text = page(client, cast[who], project_url(funded["road"])).content.decode()
    assert 'id="recover-form"' not in text and 'id="recover-link"' not in text
    response = client.post(project_url(funded["road"], "_recover"), {
        "recover-fund": funded["fund"].pk, "recover-amount": "100", "recover-memo": "收回"})
    assert response.status_code == status
    assert not Entry.objects.filter(kind="recovery").exists()


def test_the_history_lists_each_step_latest_first_with_the_households_added(client, cast, funded):
    county, road = cast["county"], funded["road"]
    project_actions.start_project(road, actor=county, on=datetime.date(2020, 5, 1))
    project_actions.record_output(road, "2.5", actor=county)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = page(client, cast["auditor"], project_url(road))  # read by every reader of the project
    text = response.content.decode()
    assert 'id="project-history"' in text
    rows = response.context["history"]
    assert [r.event.action for r in rows] == ["output", "state", "beneficiary"]
    assert (rows[0].old, rows[0].new) == ("0 km", "2.5 km")
    assert (rows[1].old, rows[1].new) == ("planned", "under construction")
    numbers = sorted(h.number for h in funded["households"])
    assert rows[2].numbers == tuple(numbers) and rows[2].new == "2 households listed"
    assert " ".join(numbers) in text


def test_the_county_records_a_new_project(client, cast, reference_data):
    client.force_login(cast["county"])
    response = client.get(NEW, {"area": VILLAGE_A})
    assert response.status_code == 200 and response.context["form"]["area"].value() == VILLAGE_A
    areas = {a.code for a in response.context["form"].fields["area"].queryset}
    assert XIJI in areas and VILLAGE_A in areas and all(code.startswith("640422") for code in areas)
    response = client.post(NEW, {"area": VILLAGE_A, "name": "人饮工程", "kind": "wells", "year": 2020,
                                 "budget": "0", "output_planned": "30"})
    assert response.status_code == 200 and has_error(response.content.decode(), "budget")
    response = client.post(NEW, {"area": VILLAGE_A, "name": "人饮工程", "kind": "wells", "year": 2020,
                                 "budget": "360000", "output_planned": "30", "note": "水窖30眼"})
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == project_url(project)
    assert (project.purpose, project.budget, project.output_planned, project.created_by) == (
        "infrastructure", Decimal("360000.00"), Decimal("30.00"), cast["county"])


@pytest.mark.parametrize("who", ["province", "auditor", "township", "other_county"])
def test_a_new_project_is_for_the_county_s_own_officers(client, cast, reference_data, who):
    client.force_login(cast[who])
    if who == "other_county":  # their own form offers none of Xiji's villages
        response = client.post(NEW, {"area": VILLAGE_A, "name": "x", "kind": "road", "year": 2020,
                                     "budget": "1", "output_planned": "1"})
        assert has_error(response.content.decode(), "area")
    else:
        assert client.get(NEW).status_code == 403
    assert not Project.objects.exists()


def test_a_beneficiary_household_s_own_page_shows_the_project_on_its_trail(client, cast, funded):
    county, road, household = cast["county"], funded["road"], funded["households"][1]
    project_actions.start_project(road, actor=county)
    project_actions.record_output(road, "5", actor=county)
    project_actions.complete_project(road, actor=county)
    project_actions.accept_project(road, actor=county)
    response = page(client, cast["cadre_a"], reverse("registry:household", args=[household.pk]))
    assert response.status_code == 200
    changes = [c for group in response.context["trail"] for c in group["changes"]]
    def label(name: str) -> str:  # as the page names the field, in its language
        return str(Project._meta.get_field(name).verbose_name)

    assert {"field": label("name"), "old": "", "new": road.name} in changes
    assert {"field": label("state"), "old": str(Project.State.COMPLETED.label),
            "new": str(Project.State.ACCEPTED.label)} in changes


def test_a_project_s_entries_and_households_are_paged_with_whole_totals_and_searched(
        client, cast, funded, make_household, monkeypatch):
    monkeypatch.setattr("jingzhun.funds.project_views.ENTRIES_PAGE", 2)
    monkeypatch.setattr("jingzhun.funds.project_views.BENEFICIARIES_PAGE", 2)
    county, fund, road = cast["county"], funded["fund"], funded["road"]
    more = [make_household(actor=county, head_name=name) for name in ("王桂兰", "马金花", "张国强")]
    project_actions.add_beneficiaries(road, more, actor=county)
    first = Entry.objects.get(project=road, kind="spending")  # the road's second entry: page 1
    paid = [actions.spend(fund, road, actor=county, amount="100", household=h) for h in more]
    undone = actions.reverse(first, actor=county, reason="凭证作废")  # the sixth: page 3
    client.force_login(cast["auditor"])
    response = client.get(project_url(road))
    text = response.content.decode()
    assert [e.pk for e in response.context["entries"]] == [paid[2].pk, undone.pk]  # the latest first
    assert 'id="entry-count" data-count="6"' in text and 'id="entries-pager"' in text
    assert f'<a href="?page=1#entry-{first.pk}">#{first.pk}</a>' in text
    assert 'data-allocated="200000.00" data-spent="300.00" data-unspent="199700.00"' in text  # whole
    assert 'id="beneficiary-count" data-count="5"' in text and 'id="beneficiaries-search"' in text
    households = sorted([*funded["households"], *more], key=lambda h: h.number)
    assert [b.household for b in response.context["beneficiaries"]] == households[:2]
    assert 'href="?households=2#beneficiaries-search"' in text
    response = client.get(project_url(road), {"page": 1, "households": 3})
    text = response.content.decode()
    assert [e.pk for e in response.context["entries"]] == [Entry.objects.get(kind="allocation",
                                                                            project=road).pk, first.pk]
    assert f'<a href="?households=3&amp;page=3#entry-{undone.pk}">' in text
    assert [b.household for b in response.context["beneficiaries"]] == households[4:]
    assert 'href="?page=1&amp;households=2#beneficiaries-search"' in text
    assert 'href="?households=3&amp;page=2#entries"' in text
    last, paid_last = households[4], "100.00" if households[4] in more else "0.00"  # 30,000 reversed
    assert f'id="beneficiary-{last.pk}" data-household="{last.pk}" data-paid="{paid_last}"' in text
    # By the head's name, or the start of the household number.
    found = client.get(project_url(road), {"q": "马金"}).context
    assert [b.household for b in found["beneficiaries"]] == [more[1]] and found["beneficiary_count"] == 5
    assert found["beneficiaries"][0].paid == Decimal("100.00")
    found = client.get(project_url(road), {"q": more[2].number}).context["beneficiaries"]
    assert [(b.household, b.head_name) for b in found] == [(more[2], "张国强")]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(project_url(road), {"q": "不在册"}).content.decode()
    assert "No household matches." in text and 'value="不在册"' in text
    client.force_login(cast["cadre_b"])
    assert client.get(project_url(road), {"q": "马", "households": 2}).status_code == 404
