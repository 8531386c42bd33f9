"""Each registered household's plan: the measures the rule table (assistance.rules.recommend) calls for
from its causes, its members and living conditions in the year it was registered, with their states as the
years left them; and, for households at risk after 2020 or back in poverty, consolidation measures still
open. Rows are tuples in the column order of demo.assistance.TABLES."""

import datetime
from dataclasses import dataclass

from jingzhun.assistance import rules

# Measures of the consolidation years (2021-): jobs and income first (assumed, as the 2021 policy
# on consolidating the results names them).
CONSOLIDATION = ("public_welfare_job", "employment", "skills_training", "industry", "asset_income")
CONSOLIDATION_FROM = datetime.date(2021, 1, 1)
CONSOLIDATION_NOTES = ("巩固拓展脱贫攻坚成果", "防止返贫监测帮扶", "稳岗就业帮扶")
CANCELLED_SHARE = 0.03  # of the measures of exited households (assumed)
CANCEL_NOTES = ("户主外出务工，不再需要该措施", "已享受同类政策，不重复安排", "政策调整，改为其他措施",
                "本人自愿放弃")
AMOUNT_SPREAD = (0.7, 1.3)  # x the measure's typical amount (assumed)
LIMITS = {"micro_credit": 50000, "mutual_fund_loan": 10000}  # rules.md: loan ceilings
MAX_MEASURES = 6  # a plan takes the rule table's first recommendations (assumed: 一户一策 plans held a few)
FALLBACK = "medical_insurance"  # every registered household's contributions were paid (rules.md)


@dataclass(slots=True)
class Home:
    """A registered household as the assistance step reads it back."""

    id: int
    village: str
    number: str
    status: str
    registered_on: datetime.date
    main_cause: str | None
    other_causes: tuple = ()
    members: tuple = ()  # (birth, labour, in_school, health, joined, left or None): dates as ISO text
    unsafe_house: bool = False  # in the registration year
    unsafe_water: bool = False
    exited_on: datetime.date | None = None  # the last exit before its status now
    returned_on: datetime.date | None = None
    at_risk: bool = False  # on a monitoring list after 2020
    helper: int | None = None  # already pointed at a helper (the demo's `helper` user)


def facts(home: Home, day: datetime.date) -> rules.HouseholdFacts:
    """The household as the rule table reads it on `day`: members on the register then, their age."""
    text = day.isoformat()
    members = tuple(rules.MemberFacts(day.year - int(born[:4]) - (text[5:] < born[5:]), labour, in_school,
                                      health)
                    for born, labour, in_school, health, joined, left in home.members
                    if joined <= text and (left is None or left > text))
    return rules.HouseholdFacts(home.main_cause, home.other_causes, members, home.unsafe_house,
                                home.unsafe_water)


class Days:
    """The ISO text of days by ordinal, 2013 to two years from today: an index into a list costs less
    than a date object and its isoformat() for each of the step's millions of dates."""

    def __init__(self, today: datetime.date):
        self.base = datetime.date(2013, 1, 1).toordinal()
        self.text = [datetime.date.fromordinal(day).isoformat()
                     for day in range(self.base, today.toordinal() + 800)]

    def __getitem__(self, ordinal: int) -> str:
        return self.text[ordinal - self.base]


class Planner:
    def __init__(self, rows: list, infos: dict, amounts: dict, today: datetime.date, to_text):
        self.rows, self.infos, self.amounts = rows, infos, amounts
        self.today, self.to_text = today, to_text
        self.day, self.iso = today.toordinal(), Days(today)
        self.jurisdictions = sorted({r.jurisdiction for r in rows})
        self.cache, self.needed = {}, {}
        self.consolidation = [code for code in CONSOLIDATION if code in infos and infos[code].active]

    def advice(self, home: Home, household: rules.HouseholdFacts) -> tuple:
        """recommend() depends only on the causes, which conditions hold and which jurisdictions cover
        the village: the same answer is reused for every household alike in those."""
        causes = household.causes
        needed = self.needed.get(causes)
        if needed is None:  # the conditions of the measures any row names for these causes
            codes = {r.measure for r in self.rows if r.cause in causes}
            needed = self.needed[causes] = sorted({self.infos[c].condition for c in codes if c in self.infos})
        key = (causes, tuple(rules.condition_holds(c, household) for c in needed),
               tuple(j for j in self.jurisdictions if home.village.startswith(j)))
        found = self.cache.get(key)
        if found is None:
            advice = rules.recommend(household, self.rows, self.infos, home.village)
            found = self.cache[key] = advice.recommended
        return found

    def amount(self, rng, code: str) -> str:
        typical = self.amounts.get(code)
        if not typical:
            return "0.00"
        value = round(typical * (AMOUNT_SPREAD[0] + rng.random() * (AMOUNT_SPREAD[1] - AMOUNT_SPREAD[0])), -1)
        return f"{min(int(value), LIMITS.get(code, int(value)))}.00"

    def plan(self, rng, home: Home, plan_id: int, helper_on) -> tuple[tuple, list, tuple]:
        """The plan row, its measure rows and its audit row. `helper_on(day, open)`: the household's
        helper on that day (an ordinal; open measures went over to the current helper, as
        actions.assign_helper does). Days are ordinals here."""
        year = home.registered_on.year
        year_end = datetime.date(year, 12, 31).toordinal()
        created = min(home.registered_on.toordinal() + 3 + int(rng.random() * 18), year_end)
        drawn_up = datetime.date.fromordinal(created)
        chosen = [(r.measure, r.causes[0], True)
                  for r in self.advice(home, facts(home, drawn_up))[:MAX_MEASURES]]
        if not chosen:
            chosen = [(FALLBACK, None, False)]
        exited = home.exited_on.toordinal() if home.exited_on else None
        iso, measures = self.iso, []
        for code, cause, recommended in chosen:
            start = min(created + int(rng.random() * 30), year_end)
            due = start + 365 + int(rng.random() * 366)
            state, delivered, note = self.state(rng, exited, start, due)
            open_ = delivered is None and state != "cancelled"
            measures.append((plan_id, code, cause, recommended, helper_on(start, open_),
                             self.amount(rng, code), iso[start], iso[due], state,
                             iso[delivered] if delivered else None, note))
        if home.at_risk or home.status == "returned" or home.helper is not None:
            measures += self.consolidate(rng, home, plan_id, helper_on, {code for code, _c, _r in chosen})
        at = self.to_text(drawn_up)
        audit = (home.id, None, at, "plan", plan_id, "create", "", "", f'{{"year":"{year}"}}', "")
        return (plan_id, home.id, year, None, at, ""), measures, audit

    def state(self, rng, exited: int | None, start: int, due: int):
        """(state, day delivered, note) of a measure of the registration plan."""
        if exited is not None:  # exited (and perhaps back since): delivered before its exit
            if rng.random() < CANCELLED_SHARE:
                return "cancelled", None, CANCEL_NOTES[int(rng.random() * len(CANCEL_NOTES))]
            last = min(due, exited - 3)
            first = min(start + 20, last)
            if last <= start:
                return "delivered", max(start, exited - 1), ""
            return "delivered", first + int(rng.random() * (last - first + 1)), ""
        if rng.random() < 0.5:  # still poor, never exited: some measures done, the rest open
            last = min(due, self.day - 1)
            return "delivered", start + int(rng.random() * max(1, last - start)), ""
        return ("under_way" if rng.random() < 0.6 else "planned"), None, ""

    def consolidate(self, rng, home: Home, plan_id: int, helper_on, planned: set) -> list:
        """One or two open measures of the years after 2020, some past their due date."""
        now = facts(home, self.today)
        fitting = [c for c in self.consolidation
                   if rules.condition_holds(self.infos[c].condition, now) and c not in planned]
        fitting = fitting or self.consolidation[:1]
        count = min(len(fitting), 1 + (rng.random() < 0.4))
        since = home.returned_on or home.registered_on
        earliest = max(CONSOLIDATION_FROM.toordinal(), since.toordinal() + 14)
        rows = []
        for code in rng.sample(fitting, count):
            start = min(max(earliest, self.day - 60 - int(rng.random() * 540)), self.day)
            due = start + 365 + int(rng.random() * 366)
            state = "under_way" if rng.random() < 0.6 else "planned"
            note = CONSOLIDATION_NOTES[int(rng.random() * len(CONSOLIDATION_NOTES))]
            rows.append((plan_id, code, None, False, helper_on(start, True), self.amount(rng, code),
                         self.iso[start], self.iso[due], state, None, note))
        return rows
