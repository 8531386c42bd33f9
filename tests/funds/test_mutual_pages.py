"""Issue 6, done when 3: a mutual fund's repayment rate and overdue list are correct on a worked example.

test_mutual_rules.py's two loans (A and B) are made again through the real actions, with a third loan (C)
written off and a fourth (D) repaid early, in village A's fund; village B's fund has one loan (E) never
repaid. The fund page and the county report are read on three days and checked against the arithmetic in
the comments. The fee rate is the standard's for 2020, 7‰ a month (loan A in the rules test used 8‰: its
fee here is 504.00, not 576.00; its principal, which is all the rate and the overdue list count, is the
same)."""

import datetime
from decimal import Decimal as D
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from jingzhun.funds import mutual_actions as actions
from jingzhun.funds.models import Loan, MutualFund
from tests.conftest import VILLAGE_A, VILLAGE_B, XIJI

pytestmark = pytest.mark.django_db
LIST = reverse("funds:mutual_funds")


def move_to(monkeypatch, day: datetime.date) -> None:
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    monkeypatch.setattr("jingzhun.clock.today", lambda: day)
    monkeypatch.setattr("jingzhun.clock.now", lambda: now)


class Elements(HTMLParser):
    """Every element with an id: its attributes, in document order."""

    def __init__(self, html: str):
        super().__init__()
        self.found: dict[str, dict] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.found[attrs["id"]] = attrs

    def ids(self, prefix: str) -> list[str]:
        return [key for key in self.found if key.startswith(prefix)]


def elements(client, user, url: str, **params) -> Elements:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return Elements(response.content.decode())


@pytest.fixture
def example(cast, make_household, monkeypatch):
    """Built day by day, each action on the day it happened (the calendar moves with it)."""
    county, cadre = cast["county"], cast["cadre_a"]
    move_to(monkeypatch, datetime.date(2020, 1, 1))
    fund = actions.found_fund(VILLAGE_A, actor=cadre, founded_on=datetime.date(2020, 1, 1))
    actions.contribute(fund, actor=county, kind="government", amount="200000", on=datetime.date(2020, 1, 1))
    homes = {name: make_household(actor=cadre, head_name=head)
             for name, head in (("a", "马德福"), ("b", "李有才"), ("c", "王发祥"), ("d", "杨秀英"))}
    for home in homes.values():
        actions.add_member(fund, home, actor=cadre, joined_on=datetime.date(2020, 1, 1))
    fund_b = actions.found_fund(VILLAGE_B, actor=cast["township"], founded_on=datetime.date(2020, 1, 1))
    actions.contribute(fund_b, actor=county, kind="government", amount="50000", on=datetime.date(2020, 1, 1))
    home_e = make_household(VILLAGE_B, actor=cast["cadre_b"], head_name="马成龙")
    actions.add_member(fund_b, home_e, actor=cast["cadre_b"], joined_on=datetime.date(2020, 1, 1))

    def issue(fund, home, day, principal, months, schedule):
        move_to(monkeypatch, day)
        who = cadre if fund.village_id == VILLAGE_A else cast["cadre_b"]
        return actions.issue_loan(fund, home, actor=who, principal=principal, issued_on=day,
                                  term_months=months, schedule=schedule, purpose="养牛", group="第一互助组")

    def pay(loan, day, amount):
        move_to(monkeypatch, day)
        return actions.repay(loan, actor=cadre, amount=amount, paid_on=day)

    # A: 6,000 for 12 months at maturity: 6,000 + 6,000 × 0.007 × 12 = 504.00 due 15 January 2021.
    a = issue(fund, homes["a"], datetime.date(2020, 1, 15), "6000", 12, "maturity")
    # C: 2,000 for 3 months at maturity: 2,000 + 42.00 due 10 May 2020.
    c = issue(fund, homes["c"], datetime.date(2020, 2, 10), "2000", 3, "maturity")
    # B: 3,000 for 6 months, 500 a month with 21.00, 17.50, 14.00, 10.50, 7.00, 3.50 (1 April … 1 September).
    b = issue(fund, homes["b"], datetime.date(2020, 3, 1), "3000", 6, "monthly")
    # E (village B): 1,000 for 2 months at maturity: 1,000 + 14.00 due 1 May 2020, never paid.
    e = issue(fund_b, home_e, datetime.date(2020, 3, 1), "1000", 2, "maturity")
    # D: 4,000 for 9 months at maturity: 4,000 + 252.00 due 1 January 2021, repaid in full in August.
    d = issue(fund, homes["d"], datetime.date(2020, 4, 1), "4000", 9, "maturity")
    pay(b, datetime.date(2020, 4, 1), "521.00")  # April's 500 + 21
    pay(b, datetime.date(2020, 5, 3), "517.50")  # May's 500 + 17.50
    pay(c, datetime.date(2020, 5, 20), "500.00")  # 42.00 fee, then 458.00 principal
    pay(b, datetime.date(2020, 6, 1), "200.00")  # June's 14.00 fee, then 186.00 principal
    pay(d, datetime.date(2020, 8, 15), "4252.00")  # everything, 4½ months early
    move_to(monkeypatch, datetime.date(2020, 9, 30))
    return {"fund": fund, "fund_b": fund_b, "a": a, "b": b, "c": c, "d": d, "e": e, "homes": homes}


def late(page: Elements, loan) -> tuple:
    row = page.found[f"overdue-{loan.pk}"]
    return tuple(row[f"data-{k}"] for k in ("principal", "fee", "since", "days"))


def fund_url(fund) -> str:
    return reverse("funds:mutual_fund", args=[fund.pk])


def test_on_30_september_2020_the_overdue_list_and_rate(client, cast, example):
    fund = example["fund"]
    page = elements(client, cast["cadre_a"], fund_url(fund), on="2020-09-30")
    rate = page.found["repayment-rate"]
    # Principal due by 30 September: B all 3,000 (the last installment 1 September), C 2,000 (10 May);
    # A (January 2021) and D (January 2021, though paid) not yet. Repaid of it: B 500 + 500 + 186 = 1,186,
    # C 458 (500 less the 42.00 fee). 1,644 ÷ 5,000 = 32.88%.
    assert (rate["data-due"], rate["data-repaid"], rate["data-rate"]) == ("5000.00", "1644.00", "0.3288")
    # C: 1,542.00 principal owed since 10 May (143 days); B: June's 314.00 + July–September 1,500.00
    # = 1,814.00 principal and 10.50 + 7.00 + 3.50 = 21.00 fees since 1 June (121 days). Longest first.
    c, b = example["c"], example["b"]
    assert page.ids("overdue-") == [f"overdue-{c.pk}", f"overdue-{b.pk}"]
    assert late(page, c) == ("1542.00", "0.00", "2020-05-10", "143")
    assert late(page, b) == ("1814.00", "21.00", "2020-06-01", "121")
    money = page.found["fund-money"]
    # Outstanding: A 6,000 + B 1,814 + C 1,542 = 9,356 (D repaid). Fees received: B 21 + 17.50 + 14 = 52.50,
    # C 42, D 252 = 346.50, of which 40% = 138.60 to the reserve. Can lend 200,000 + 138.60 − 9,356.
    assert tuple(money[f"data-{k}"] for k in ("outstanding", "fee-income", "reserve", "lendable")) == (
        "9356.00", "346.50", "138.60", "190782.60")
    assert page.found[f"loan-{example['d'].pk}"]["data-state"] == "repaid"
    assert D(page.found["capital-standard"]["data-amount"]) == 200000  # Ningxia's, from 2009
    # Four member households, all poor: fewer than the 50 the 2020 standard asks for.
    assert page.found["founding-warning"]["data-households"] == "50"
    recorded = page.found["fund-recorded"]
    assert (recorded["data-by"], recorded["data-at"][:16]) == (str(cast["cadre_a"].pk), "2020-01-01T10:00")
    # The borrower's household page reads the fund's lines in its trail.
    assert elements(client, cast["cadre_a"], reverse("registry:household", args=[b.household_id]))


def test_a_written_off_loan_leaves_the_overdue_list_but_not_the_rate(client, cast, example):
    fund, c, b = example["fund"], example["c"], example["b"]
    client.force_login(cast["county"])
    response = client.post(reverse("funds:mutual_write_off", args=[c.pk]), {"write_off-reason": "户主病故"})
    assert response.status_code == 302
    page = elements(client, cast["cadre_a"], fund_url(fund), on="2020-09-30")
    assert page.ids("overdue-") == [f"overdue-{b.pk}"]
    # The rate is unchanged: C's 2,000 was due and 458 of it repaid.
    assert page.found["repayment-rate"]["data-rate"] == "0.3288"
    # C's 1,542.00 is no longer outstanding but a loss: what the fund can lend does not change.
    money = page.found["fund-money"]
    assert (money["data-outstanding"], money["data-written-off"], money["data-lendable"]) == (
        "7814.00", "1542.00", "190782.60")
    loan = elements(client, cast["auditor"], reverse("funds:mutual_loan", args=[c.pk]))
    assert loan.found["loan-state"]["data-state"] == "written_off"
    assert loan.found["write-off-reason"]["data-on"] == "2020-09-30"  # today, no day given
    assert "户主病故" in client.get(reverse("funds:mutual_loan", args=[c.pk])).content.decode()
    assert "loan-overdue" not in loan.found
    # The borrower's trail reads the write-off: its state and its day, with the reason.
    client.force_login(cast["county"])
    trail = client.get(reverse("registry:household", args=[c.household_id])).content.decode()
    assert "户主病故" in trail and "2020-09-30</li>" in trail


def test_a_write_off_dated_back_counts_from_its_day(client, cast, example):
    fund, c, b = example["fund"], example["c"], example["b"]
    client.force_login(cast["county"])
    url = reverse("funds:mutual_write_off", args=[c.pk])
    response = client.post(url, {"write_off-reason": "户主病故", "write_off-closed_on": "2020-10-01"})
    assert response.status_code == 200  # tomorrow: refused at the day
    assert "has-error" in Elements(response.content.decode()).found["field-write_off-closed_on"]["class"]
    assert Loan.objects.get(pk=c.pk).state == "active"
    response = client.post(url, {"write_off-reason": "户主病故", "write_off-closed_on": "2020-07-15"})
    assert response.status_code == 302
    # On 14 July C was still being repaid, and overdue since 10 May; from the 15th it is written off.
    before = elements(client, cast["cadre_a"], fund_url(fund), on="2020-07-14")
    assert before.ids("overdue-") == [f"overdue-{c.pk}", f"overdue-{b.pk}"]
    assert before.found[f"overdue-{c.pk}"]["data-days"] == "65"
    assert before.found[f"loan-{c.pk}"]["data-state"] == "active"
    assert before.found["fund-money"]["data-written-off"] == "0.00"
    after = elements(client, cast["cadre_a"], fund_url(fund), on="2020-07-15")
    assert after.ids("overdue-") == [f"overdue-{b.pk}"]
    assert after.found[f"loan-{c.pk}"]["data-state"] == "written_off"
    assert after.found["fund-money"]["data-written-off"] == "1542.00"
    # The rate does not move with the write-off: C's 2,000 was due either way.
    assert before.found["repayment-rate"]["data-rate"] == after.found["repayment-rate"]["data-rate"] != ""
    loan = elements(client, cast["county"], reverse("funds:mutual_loan", args=[c.pk]))
    assert loan.found["write-off-reason"]["data-on"] == "2020-07-15"


def test_the_county_report_sums_its_villages(client, cast, example):
    client.force_login(cast["county"])
    client.post(reverse("funds:mutual_write_off", args=[example["c"].pk]), {"write_off-reason": "户主病故"})
    page = elements(client, cast["prefecture"], LIST, area=XIJI, on="2020-09-30")
    assert page.ids("mutual-6") == [f"mutual-{VILLAGE_A}", f"mutual-{VILLAGE_B}"]
    # Village B: E's 1,000 was due on 1 May and none of it repaid; 1,014.00 overdue for 152 days.
    village_b = page.found[f"mutual-{VILLAGE_B}"]
    assert (village_b["data-due"], village_b["data-rate"], village_b["data-overdue"]) == (
        "1000.00", "0.0000", "1")
    total = page.found["mutual-total"]
    # Xiji: due 5,000 + 1,000 = 6,000, repaid 1,644: 27.40%. Overdue: B (1,814.00 + 21.00) and E
    # (1,000.00 + 14.00); C is written off.
    assert (total["data-due"], total["data-repaid"], total["data-rate"]) == ("6000.00", "1644.00", "0.2740")
    assert (total["data-overdue"], total["data-overdue-principal"], total["data-overdue-fee"]) == (
        "2", "2814.00", "35.00")
    # Being repaid: A 6,000, B 1,814 and E 1,000; C's 1,542 written off.
    assert (total["data-active"], total["data-outstanding"], total["data-written-off"]) == (
        "3", "8814.00", "1542.00")
    assert page.found[f"mutual-{VILLAGE_A}"]["data-written-off"] == "1542.00"
    assert "mutual-written-off" in page.found


def test_early_repayment_counts_once_due(client, cast, example, monkeypatch):
    a, b, e = example["a"], example["b"], example["e"]
    move_to(monkeypatch, datetime.date(2021, 1, 10))
    actions.repay(a, actor=cast["cadre_a"], amount="6504.00", paid_on=datetime.date(2021, 1, 10))
    assert Loan.objects.get(pk=a.pk).state == "repaid"
    move_to(monkeypatch, datetime.date(2021, 2, 1))
    fund = example["fund"]
    # 14 January: A (paid on the 10th) is not due until the 15th; D (paid in August) fell due on 1 January.
    # Due: B 3,000 + C 2,000 + D 4,000 = 9,000; repaid 1,186 + 458 + 4,000 = 5,644.
    rate = elements(client, cast["cadre_a"], fund_url(fund), on="2021-01-14").found["repayment-rate"]
    assert (rate["data-due"], rate["data-repaid"]) == ("9000.00", "5644.00")
    # 1 February: A's 6,000 is due and repaid: 15,000 due, 11,644 repaid = 77.63%. (A and B alone:
    # 9,000 and 7,186, the rules test's 79.84%.)
    page = elements(client, cast["cadre_a"], fund_url(fund))
    rate = page.found["repayment-rate"]
    assert (rate["data-due"], rate["data-repaid"], rate["data-rate"]) == ("15000.00", "11644.00", "0.7763")
    # C is not written off in this story: it is overdue since 10 May 2020 (267 days), B since 1 June (245).
    assert page.ids("overdue-") == [f"overdue-{example['c'].pk}", f"overdue-{b.pk}"]
    assert page.found[f"overdue-{b.pk}"]["data-days"] == "245"
    report = elements(client, cast["county"], LIST, area=XIJI).found["mutual-total"]
    # Xiji: 16,000 due (E's 1,000 too), 11,644 repaid = 0.72775, shown to four places half up: 0.7278.
    # Overdue: C 1,542.00, B 1,814.00 + 21.00, E 1,000.00 + 14.00.
    assert (report["data-due"], report["data-repaid"], report["data-rate"]) == (
        "16000.00", "11644.00", "0.7278")
    assert (report["data-overdue"], report["data-overdue-principal"], report["data-overdue-fee"]) == (
        "3", "4356.00", "35.00")
    assert elements(client, cast["county"], reverse("funds:mutual_loan", args=[e.pk])).found[
        "loan-overdue"]["data-days"] == "276"


def test_the_loan_page_shows_each_installment_standing(client, cast, example):
    page = elements(client, cast["auditor"], reverse("funds:mutual_loan", args=[example["b"].pk]))
    # On 30 September: April and May paid; June part-paid (314.00 principal owed); July–September overdue.
    assert [page.found[f"installment-{n}"]["data-standing"] for n in range(1, 7)] == [
        "settled", "settled", "overdue", "overdue", "overdue", "overdue"]
    assert page.found["installment-3"]["data-principal-owed"] == "314.00"
    assert "repayment-form" not in page.found and "write-off-form" not in page.found
    page = elements(client, cast["auditor"], reverse("funds:mutual_loan", args=[example["a"].pk]))
    assert page.found["installment-1"]["data-standing"] == "upcoming"


def test_the_csv_has_a_row_per_fund_and_the_total(client, cast, example):
    client.force_login(cast["county"])
    response = client.get(reverse("funds:mutual_funds_csv"), {"area": XIJI, "on": "2020-09-30"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 4 and lines[1].startswith(VILLAGE_A) and lines[2].startswith(VILLAGE_B)
    assert lines[3].endswith(",6000.00,1644.00,0.2740")


def test_forms_are_shown_to_those_who_run_the_fund(client, cast, example):
    url = fund_url(example["fund"])
    for who in ("cadre_a", "township", "county"):
        assert "loan-form" in elements(client, cast[who], url).found
    for who in ("auditor", "prefecture", "province"):
        page = elements(client, cast[who], url)
        assert "repayment-rate" in page.found and "loan-form" not in page.found
        assert "contribution-form" not in page.found


def test_scope(client, cast, example):
    fund, b = example["fund"], example["b"]
    client.force_login(cast["cadre_b"])
    assert client.get(fund_url(fund)).status_code == 404
    assert client.get(reverse("funds:mutual_loan", args=[b.pk])).status_code == 404
    assert client.post(reverse("funds:mutual_repay", args=[fund.pk]), {}).status_code == 404
    client.force_login(cast["other_county"])
    assert client.get(fund_url(fund)).status_code == 404
    page = elements(client, cast["other_county"], LIST)
    assert page.ids("mutual-6") == []
    for who in ("outsider", "helper"):
        client.force_login(cast[who])
        assert client.get(fund_url(fund)).status_code == 403
        assert client.get(LIST).status_code == 403
        assert client.get(reverse("funds:mutual_funds_csv")).status_code == 403
    client.logout()
    assert client.get(fund_url(fund)).status_code == 302  # to sign in
    # A cadre sees its own village's fund in the county's list, not its neighbour's.
    page = elements(client, cast["cadre_a"], LIST, area=XIJI)
    assert page.ids("mutual-6") == [f"mutual-{VILLAGE_A}"]


def test_an_auditor_reads_but_does_not_write(client, cast, example):
    fund, b = example["fund"], example["b"]
    client.force_login(cast["auditor"])
    repay = {"repayment-loan": b.pk, "repayment-amount": "100.00", "repayment-paid_on": "2020-09-30"}
    assert client.post(reverse("funds:mutual_repay", args=[fund.pk]), repay).status_code == 403
    assert client.post(reverse("funds:mutual_loan_repay", args=[b.pk]), repay).status_code == 403
    write_off = {"write_off-reason": "无力偿还"}
    assert client.post(reverse("funds:mutual_write_off", args=[b.pk]), write_off).status_code == 403
    assert b.repayments.count() == 3


def test_only_the_county_writes_off(client, cast, example):
    b = example["b"]
    for who in ("cadre_a", "township"):
        client.force_login(cast[who])
        page = elements(client, cast[who], reverse("funds:mutual_loan", args=[b.pk]))
        assert "repayment-form" in page.found and "write-off-form" not in page.found
        response = client.post(reverse("funds:mutual_write_off", args=[b.pk]), {"write_off-reason": "病故"})
        assert response.status_code == 403
    assert Loan.objects.get(pk=b.pk).state == "active"


def test_a_repayment_through_the_fund_page(client, cast, example):
    fund, b = example["fund"], example["b"]
    client.force_login(cast["cadre_a"])
    form = {"repayment-loan": b.pk, "repayment-amount": "314.00", "repayment-paid_on": "2020-09-30"}
    assert client.post(reverse("funds:mutual_repay", args=[fund.pk]), form).status_code == 302
    assert b.repayments.order_by("-id").first().principal == D("314.00")
    # More than B still owes (1,500.00 principal and 21.00 fees) is refused at the amount.
    form["repayment-amount"] = "1521.01"
    response = client.post(reverse("funds:mutual_repay", args=[fund.pk]), form)
    assert response.status_code == 200 and 'id="field-repayment-amount"' in response.content.decode()
    assert "has-error" in Elements(response.content.decode()).found["field-repayment-amount"]["class"]
    assert b.repayments.count() == 4


def test_a_fund_is_founded_and_run_through_its_pages(client, cast, make_household):
    home = make_household(VILLAGE_B, actor=cast["cadre_b"])
    client.force_login(cast["auditor"])
    assert "found-form" not in elements(client, cast["auditor"], LIST, area=VILLAGE_B).found
    assert client.post(reverse("funds:mutual_found"), {"village": VILLAGE_B, "founded_on": "2020-06-01"}
                       ).status_code == 403
    page = elements(client, cast["cadre_b"], LIST, area=VILLAGE_B)
    assert "found-form" in page.found and "no-mutual-funds" in page.found
    response = client.post(reverse("funds:mutual_found"), {"village": VILLAGE_B, "founded_on": "2020-06-01"})
    fund = MutualFund.objects.get(village_id=VILLAGE_B)
    assert response.status_code == 302 and response.url == fund_url(fund)
    steps = [("mutual_contribute", {"contribution-kind": "government", "contribution-amount": "150000",
                                    "contribution-on": "2020-06-01"}),
             ("mutual_add_member", {"member-household": home.pk, "member-joined_on": "2020-06-01",
                                    "member-shares": "2"}),
             ("mutual_issue_loan", {"loan-household": home.pk, "loan-principal": "5000",
                                    "loan-issued_on": "2020-06-02", "loan-term_months": "12",
                                    "loan-schedule": "maturity", "loan-group": "三组",
                                    "loan-purpose": "购买基础母牛"})]
    for name, form in steps:
        response = client.post(reverse(f"funds:{name}", args=[fund.pk]), form)
        assert response.status_code == 302, name
    loan = fund.loans.get()
    # 5,000 × 0.007 × 12 = 420.00 at maturity.
    assert (loan.principal, loan.fee_rate, loan.installments.get().fee) == (
        D("5000.00"), D("0.007"), D("420.00"))
    page = elements(client, cast["cadre_b"], fund_url(fund))
    assert page.found["fund-members"]["data-shares"] == "2" and "founding-warning" in page.found
    # A second loan to the same household is refused at the household field; nothing is written.
    form = dict(steps[2][1], **{"loan-principal": "100"})
    response = client.post(reverse("funds:mutual_issue_loan", args=[fund.pk]), form)
    assert response.status_code == 200
    assert "has-error" in Elements(response.content.decode()).found["field-loan-household"]["class"]
    assert fund.loans.count() == 1
