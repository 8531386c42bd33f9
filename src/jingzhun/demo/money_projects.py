"""The demo's projects, 2014-2021: whole-village advancement in the poor villages, county works, the
subsidies the helpers' plans delivered, relocation, the pairing partners' projects and the capital paid
into village mutual funds founded in those years.

Calibration (magnitudes per unit; the totals follow from the demo's villages and households):
- a poor village's works in its year (or two) of whole-village advancement: the standard
  village_investment (1,000,000 yuan a village and year; seed 001: Ningxia 2009, whole-village advancement
  averaged over 1 M per village) x 0.8-1.4 (assumed spread);
- county works (roads, boarding schools, township clinics): 2009 magnitudes assumed, grown by GROWTH;
- relocation: 14,000 yuan per household (seed 001: 14 M yuan for the 2009 pilot of 1,000 families);
- subsidies: the amounts of the delivered measures (training about 1,500 a person, seed 001: 8 M yuan for
  5,687 trainees); pairing money: the partners' deliveries of funds (demo.partners, seed 002);
- unit costs of works, county works and the other counties' few projects: assumed, not published."""

import datetime
from collections import defaultdict

from jingzhun.demo import calibration as cal

from .money_context import Context
from .money_jobs import Job, K, P, Pay, Tranche, contract, day, pick, rounded, subsidies

YEARS = range(2014, 2022)
LAST_POOR_YEAR = 2020
SOUTH = (cal.XIJI, cal.YUANZHOU, cal.PENGYANG, cal.LONGDE, cal.JINGYUAN)
WORKS = {  # kind weights of a poor village's works (assumed: water in the arid centre, terraces south)
    "south": {K.ROAD: 2.5, K.TERRACES: 2.5, K.INDUSTRY: 2.0, K.WELLS: 1.0, K.SCHOOL: 0.7, K.CLINIC: 0.7},
    "arid": {K.WELLS: 3.0, K.ROAD: 2.0, K.INDUSTRY: 2.0, K.TERRACES: 0.5, K.SCHOOL: 0.7, K.CLINIC: 0.7},
}
UNIT_COST = {K.ROAD: (400_000, 600_000), K.WELLS: (3_000, 5_000), K.TERRACES: (1_000, 1_600),
             K.INDUSTRY: (6_000, 12_000), K.SCHOOL: None, K.CLINIC: None}  # yuan a unit (assumed)
NAMES = {K.ROAD: "通村道路硬化", K.WELLS: "水窖及机井建设", K.TERRACES: "坡耕地改造梯田",
         K.INDUSTRY: "肉牛养殖产业扶持", K.SCHOOL: "村小学校舍改造", K.CLINIC: "村卫生室建设"}
ENVELOPE = (0.8, 1.4)  # x the standard, a village's investment in a year of whole-village advancement
TWICE = 0.3  # poor villages with two such years rather than one (assumed)
CONSOLIDATION_SHARE = 0.3  # poor villages with a 2021 project (assumed)
RELOCATION_COST = 14_000
SUBSIDY_PROJECTS = {  # measure -> (kind, purpose, village-level, name, memo)
    "housing_renovation": (K.HOUSING, P.HOUSING, True, "危房改造", "危房改造补助"),
    "industry": (K.INDUSTRY, P.INDUSTRY, True, "产业扶持到户补助", "产业扶持到户补助"),
    "education_subsidy": (K.TRAINING, P.EDUCATION, False, "教育资助和雨露计划补助", "教育资助"),
    "vocational_subsidy": (K.TRAINING, P.EDUCATION, False, "教育资助和雨露计划补助", "雨露计划职业教育补助"),
    "skills_training": (K.TRAINING, P.TRAINING, False, "贫困劳动力技能培训补贴", "技能培训补贴"),
}
COUNTY_WORKS = {  # kind: (chance a year, budget in 2009 yuan, yuan a unit or None for one, name) (assumed)
    K.ROAD: (1.0, (3_000_000, 8_000_000), 2_500_000, "县乡公路改建"),
    K.SCHOOL: (0.4, (2_000_000, 6_000_000), None, "寄宿制学校建设"),
    K.CLINIC: (0.3, (800_000, 2_000_000), None, "乡镇卫生院改造"),
}
# County works grow with the fiscal poverty funds after 2009: the central special fund's national total
# relative to 2009's 19.7 bn yuan (assumed from the Ministry of Finance's yearly announcements, about 43 bn
# in 2014 and 146 bn in 2020; not in the domain files, unverified).
GROWTH = {2014: 2.2, 2015: 2.4, 2016: 3.4, 2017: 4.4, 2018: 5.4, 2019: 6.4, 2020: 7.4, 2021: 7.9}
COUNTY_BENEFICIARIES = 150  # households named on a county work (a sample of the county's, assumed)
OTHER_COUNTY_WORKS = (1, 2)  # village works a year in a county that is not poor (assumed)
PAIRING_PIECE = (2_000_000, 4_000_000)  # yuan a partner's project takes of a delivery (assumed)
PAIRING_KINDS = {"财政援助资金：产业项目": (K.INDUSTRY, "产业发展项目"),
                 "援建村级扶贫车间": (K.INDUSTRY, "扶贫车间"),
                 "劳务协作补贴": (K.TRAINING, "劳务协作技能培训"), "援建学校和卫生室": (K.SCHOOL, "学校")}


class Drawer:
    def __init__(self, rng, ctx: Context):
        self.rng, self.ctx = rng, ctx
        self.today = ctx.today.toordinal()
        self.jobs: list[Job] = []
        by_county = defaultdict(list)
        for village, homes in sorted(ctx.homes.items()):
            if any(h.status in ("poor", "exited", "returned") for h in homes):
                by_county[village[:6]].append(village)
        self.villages = dict(by_county)  # county -> villages with registered households

    def county_name(self, county: str) -> str:
        return self.ctx.counties.get(county, "")

    def add(self, job: Job) -> Job:
        self.jobs.append(job)
        return job

    def works(self, county: str, village: str, kind: str, year: int, budget: int, *, may_stay_open=False,
              name: str = "") -> Job | None:
        homes = self.ctx.registered(village, year) or self.ctx.registered(village)
        if not homes:
            return None
        costs = UNIT_COST.get(kind)
        if costs is None:
            planned = 1.0
        else:
            unit = (costs[0] + self.rng.random() * (costs[1] - costs[0])) * 100
            planned = max(0.1, round(budget / unit, 1)) if kind == K.ROAD else max(1.0, round(budget / unit))
        job = Job(village, county, f"{self.ctx.names.get(village, '')}{name or NAMES[kind]}", kind,
                  PURPOSE[kind], year, budget, planned, beneficiaries=homes)
        contract(self.rng, job, self.county_name(county), earliest=day(year, 1, 2), today=self.today,
                 may_stay_open=may_stay_open)
        return self.add(job)

    def poor_villages(self) -> None:
        rng, ctx = self.rng, self.ctx
        for village, exit_year in sorted(ctx.poor.items()):
            county = village[:6]
            if not ctx.registered(village):
                continue
            weights = WORKS["south" if county in SOUTH else "arid"]
            years = list(range(YEARS[0], min(exit_year or LAST_POOR_YEAR, LAST_POOR_YEAR) + 1))
            count = 2 if len(years) > 1 and rng.random() < TWICE else 1
            for year in sorted(rng.sample(years, count)):
                standard = float(ctx.standard("village_investment", year, village)) * 100
                envelope = standard * (ENVELOPE[0] + rng.random() * (ENVELOPE[1] - ENVELOPE[0]))
                kinds = _sample(rng, weights, 2 + int(rng.random() * 3))
                shares = [0.5 + rng.random() for _ in kinds]
                for kind, share in zip(kinds, shares, strict=True):
                    self.works(county, village, kind, year, rounded(envelope * share / sum(shares), 1000))
            if rng.random() < CONSOLIDATION_SHARE:
                kind = K.INDUSTRY if rng.random() < 0.6 else K.ROAD
                budget = rounded((200_000 + rng.random() * 400_000) * 100, 1000)
                self.works(county, village, kind, 2021, budget, may_stay_open=True)

    def other_counties(self) -> None:
        rng = self.rng
        for county in sorted(self.ctx.counties):
            villages = self.villages.get(county)
            if county in cal.POOR_COUNTIES or not villages:
                continue
            for year in YEARS:
                for _ in range(OTHER_COUNTY_WORKS[0] + int(rng.random() * OTHER_COUNTY_WORKS[1])):
                    kind = (K.ROAD, K.WELLS, K.INDUSTRY)[int(rng.random() * 3)]
                    budget = rounded((200_000 + rng.random() * 600_000) * 100, 1000)
                    self.works(county, villages[int(rng.random() * len(villages))], kind, year, budget,
                               may_stay_open=year == YEARS[-1])

    def county_sample(self, county: str) -> list[int]:
        homes = [pk for village in self.villages.get(county, ()) for pk in self.ctx.registered(village)]
        if len(homes) <= COUNTY_BENEFICIARIES:
            return homes
        return sorted(self.rng.sample(homes, COUNTY_BENEFICIARIES))

    def county_works(self) -> None:
        rng = self.rng
        for county in cal.POOR_COUNTIES:
            if not self.villages.get(county):
                continue
            name = self.county_name(county)
            for year in YEARS:
                for kind, (chance, (low, high), unit, label) in COUNTY_WORKS.items():
                    if rng.random() >= chance:
                        continue
                    budget = rounded((low + rng.random() * (high - low)) * GROWTH[year] * 100, 10000)
                    planned = round(budget / 100 / unit, 1) if unit else 1.0
                    job = Job(f"{county}000000", county, f"{name}{year}年{label}", kind, PURPOSE[kind], year,
                              budget, planned, beneficiaries=self.county_sample(county))
                    contract(rng, job, name, earliest=day(year, 1, 2), today=self.today,
                             may_stay_open=year == YEARS[-1])
                    self.add(job)

    def subsidies(self) -> None:
        """Each delivered measure paid to its household 3-30 days after delivery, within the year."""
        groups = defaultdict(list)
        for code, (_kind, _purpose, village_level, name, memo) in SUBSIDY_PROJECTS.items():
            for done in self.ctx.delivered.get(code, ()):
                if done.amount <= 0:
                    continue
                year = _year(done.on)
                if year not in YEARS:
                    continue
                pay_on = min(done.on + 3 + int(self.rng.random() * 28), day(year, 12, 31))
                place = done.village if village_level else f"{done.village[:6]}000000"
                groups[place, year, name].append((pay_on, done.household, code, done.amount, memo))
        for (place, year, name), rows in sorted(groups.items()):
            code = rows[0][2]
            kind, purpose, village_level, _name, _memo = SUBSIDY_PROJECTS[code]
            where = self.ctx.names.get(place, "") if village_level else self.county_name(place[:6])
            job = Job(place, place[:6], f"{where}{year}年{name}", kind, purpose, year, 0, 0)
            subsidies(job, [Pay(amount, on, household, subsidy, memo)
                            for on, household, subsidy, amount, memo in sorted(rows)])
            self.add(job)

    def relocation(self) -> None:
        moved = defaultdict(list)
        for done in self.ctx.delivered.get("relocation", ()):
            if _year(done.on) in YEARS:
                moved[done.village[:6], _year(done.on)].append(done.household)
        for (county, year), households in sorted(moved.items()):
            name = self.county_name(county)
            budget = len(households) * RELOCATION_COST * 100
            job = Job(f"{county}000000", county, f"{name}{year}年易地扶贫搬迁安置", K.RELOCATION,
                      P.RELOCATION, year, budget, float(len(households)),
                      beneficiaries=sorted(set(households)))
            contract(self.rng, job, name, earliest=day(year, 1, 2), today=self.today,
                     may_stay_open=year == YEARS[-1])
            self.add(job)

    def pairing(self) -> None:
        """Each delivery of a partner's funds paid for a few projects of its county, dated after it."""
        rng = self.rng
        for partner, partner_name, county, year, amount, on, note in self.ctx.pairing:
            if year not in YEARS or not self.villages.get(county):
                continue
            kind, label = PAIRING_KINDS.get(note, (K.INDUSTRY, "产业发展项目"))
            piece = (PAIRING_PIECE[0] + rng.random() * (PAIRING_PIECE[1] - PAIRING_PIECE[0])) * 100
            count = max(1, min(12, round(amount / piece)))
            parts = _pieces(rng, amount, count)
            fund = ("pairing", county, year, partner)
            for number, part in enumerate(parts):
                self.partner_project(county, year, kind, label, part, on, fund, partner_name, number)

    def partner_project(self, county, year, kind, label, budget, on, fund, partner_name, number) -> None:
        rng, name = self.rng, self.county_name(county)
        if kind == K.SCHOOL and number % 2:
            kind, label = K.CLINIC, "卫生室"
        poor = [v for v in self.villages[county] if v in self.ctx.poor]
        if kind != K.TRAINING and poor and rng.random() < 0.7:
            village = poor[int(rng.random() * len(poor))]
            place, where, homes = village, self.ctx.names.get(village, ""), self.ctx.registered(village)
        else:
            place, where, homes = f"{county}000000", name, self.county_sample(county)
        planned = 1.0 if kind in (K.SCHOOL, K.CLINIC) else float(max(1, budget // 1_000_000))
        job = Job(place, county, f"{where}{label}（{partner_name}援建）", kind, PURPOSE[kind], year, budget,
                  planned, beneficiaries=homes)
        contract(rng, job, name, earliest=on, today=self.today, cost_share=(1.0, 1.0))
        for tranche in job.tranches:
            tranche.fund = fund
        self.add(job)

    def capital(self, founded: list) -> None:
        """Government capital of the mutual funds founded in the ledger's years, paid through a project."""
        for village, on, capital, members in founded:
            year = _year(on)
            if year not in YEARS or not members:
                continue
            job = Job(village, village[:6], f"{self.ctx.names.get(village, '')}扶贫互助资金注资", K.INDUSTRY,
                      P.MUTUAL_FUND, year, capital, float(len(members)), beneficiaries=sorted(members),
                      state="accepted", achieved=float(len(members)), created=on - 20, started=on,
                      completed=on, accepted=on)
            job.tranches = [Tranche(capital, on)]
            job.pays = [Pay(capital, on, memo="拨入村扶贫互助资金（政府注资）")]
            self.add(job)


PURPOSE = {K.ROAD: P.INFRASTRUCTURE, K.WELLS: P.INFRASTRUCTURE, K.TERRACES: P.INFRASTRUCTURE,
           K.HOUSING: P.HOUSING, K.SCHOOL: P.EDUCATION, K.CLINIC: P.HEALTH, K.INDUSTRY: P.INDUSTRY,
           K.TRAINING: P.TRAINING, K.RELOCATION: P.RELOCATION}


def _year(ordinal: int) -> int:
    return datetime.date.fromordinal(ordinal).year


def _sample(rng, weights: dict, count: int) -> list:
    pool, chosen = dict(weights), []
    while pool and len(chosen) < count:
        chosen.append(pick(rng, pool))
        del pool[chosen[-1]]
    return chosen


def _pieces(rng, amount: int, count: int) -> list[int]:
    """`amount` fen in `count` pieces of whole hundreds of yuan (the last takes the rest)."""
    if count == 1:
        return [amount]
    weights = [0.7 + rng.random() * 0.6 for _ in range(count)]
    parts = [int(amount * w / sum(weights)) // 10000 * 10000 for w in weights[:-1]]
    return [*parts, amount - sum(parts)]


def draw_projects(rng, ctx: Context, founded: list) -> list[Job]:
    drawer = Drawer(rng, ctx)
    drawer.poor_villages()
    drawer.other_counties()
    drawer.county_works()
    drawer.subsidies()
    drawer.relocation()
    drawer.pairing()
    drawer.capital(founded)
    return drawer.jobs
