"""Constants the demo region is calibrated to.

Each constant says where it comes from: a figure in ../shared/domain (rules.md, "Ningxia figures";
ningxia_areas.csv), or plainly "assumed, not published" when no source in the domain files gives it.
The snapshot is the end of 2019, the last full year before the last Ningxia county (Xiji) exited.
"""

import datetime

SNAPSHOT = datetime.date(2019, 12, 31)
YEARS = range(2014, 2020)

# Poor counties (ningxia_areas.csv, poor_county = yes).
XIJI, HAIYUAN, YUANZHOU = "640422", "640522", "640402"
PENGYANG, LONGDE, JINGYUAN = "640425", "640423", "640424"
TONGXIN, HONGSIBAO, YANCHI = "640324", "640303", "640323"
XIHAIGU = (XIJI, HAIYUAN, YUANZHOU, PENGYANG, LONGDE, JINGYUAN)
POOR_COUNTIES = (*XIHAIGU, TONGXIN, HONGSIBAO, YANCHI)
ARID = (TONGXIN, HAIYUAN, YANCHI, HONGSIBAO)

# Share of demo households per county unit. Published: 2018 Ningxia had 238,900 poor, 192,800 of them
# in Xihaigu (80.7%); that year's remainder is skewed to the late-exiting south, so the 2014 register
# gives Xihaigu a little less (76% of the poor-county households here). The split between counties is
# assumed, not published: roughly by rural population. About 6% go to the 13 other county units.
COUNTY_WEIGHTS = {
    XIJI: 0.22, HAIYUAN: 0.16, YUANZHOU: 0.14, PENGYANG: 0.08, LONGDE: 0.07, JINGYUAN: 0.05,
    TONGXIN: 0.11, HONGSIBAO: 0.06, YANCHI: 0.05,
    "640104": 0.002, "640105": 0.002, "640106": 0.002, "640121": 0.007, "640122": 0.006,
    "640181": 0.006, "640202": 0.002, "640205": 0.004, "640221": 0.007, "640302": 0.006,
    "640381": 0.005, "640502": 0.006, "640521": 0.005,
}

# Share of a poor county's rural villages that were poor villages in 2014: assumed, not published,
# except Yanchi's 74 poor villages (ningxia_areas.csv note). Poor villages hold more poor households.
POOR_VILLAGE_SHARE = 0.6
POOR_VILLAGE_COUNT = {YANCHI: 74}
POOR_VILLAGE_WEIGHT = 3.0
# Last year in which a county's households and poor villages exit, from the county exit dates in
# ningxia_areas.csv: Yanchi 2018-09; Longde, Jingyuan, Pengyang 2019 (date not verified); exits
# announced in March 2020 rest on 2019 results; Xiji exited last (2020-11), so some of its villages
# were still poor at the end of 2019.
LAST_EXIT_YEAR = {YANCHI: 2018}
STILL_POOR_VILLAGE_SHARE = {XIJI: 0.1}

# Hui share of the rural population: assumed, not published in the domain files (approximate census
# shares; high in Xihaigu and Tongxin, low in Yanchi and the north).
HUI_SHARE = {
    XIJI: 0.57, HAIYUAN: 0.70, YUANZHOU: 0.47, PENGYANG: 0.30, LONGDE: 0.12, JINGYUAN: 0.78,
    TONGXIN: 0.86, HONGSIBAO: 0.62, YANCHI: 0.03,
    "640104": 0.2, "640105": 0.2, "640106": 0.2, "640121": 0.3, "640122": 0.25, "640181": 0.5,
    "640202": 0.15, "640205": 0.25, "640221": 0.3, "640302": 0.5, "640381": 0.3, "640502": 0.1,
    "640521": 0.2,
}

# Hongsibao is a relocation settlement (from 1998, a district since 2009): residents born before 2009
# were born in the southern counties they moved from. Origin weights assumed, not published.
HONGSIBAO_FROM_YEAR = 2009
HONGSIBAO_ORIGINS = {XIJI: 0.25, HAIYUAN: 0.2, YUANZHOU: 0.15, TONGXIN: 0.15, PENGYANG: 0.1,
                     LONGDE: 0.08, JINGYUAN: 0.07}

# Registered mostly in the 2014 campaign; the 2015-16 re-checks (rules.md) and 2017 added some.
# Shares assumed, not published.
REGISTERED_YEAR = {2014: 0.86, 2015: 0.06, 2016: 0.05, 2017: 0.03}

# Household types: assumed, not published (dibao ~15-20%, tekun ~3-5% of registered households).
HOUSEHOLD_TYPE = {"general": 0.78, "subsistence": 0.18, "extreme": 0.04}

# Status at end 2019, by county: (still poor, returned to poverty, closed); the rest exited.
# Published: incidence 0.47% at end 2019 and 18,800 poor left of about 1 M in 2012, so only ~2% of
# those once registered were still poor. The demo keeps a few % so the screens show poor households,
# more where the county exited later. Shares assumed, not published.
STATUS_SHARES = {
    XIJI: (0.07, 0.01, 0.03),
    HAIYUAN: (0.035, 0.01, 0.03), TONGXIN: (0.035, 0.01, 0.03), YUANZHOU: (0.035, 0.01, 0.03),
    HONGSIBAO: (0.035, 0.01, 0.03),
    LONGDE: (0.02, 0.008, 0.03), JINGYUAN: (0.02, 0.008, 0.03), PENGYANG: (0.02, 0.008, 0.03),
    YANCHI: (0.006, 0.006, 0.03),
}
OTHER_STATUS_SHARES = (0.025, 0.01, 0.03)

# Year of exit of exited households: earlier where the county exited earlier. Assumed, not published.
EXIT_YEARS = {
    YANCHI: {2015: 0.15, 2016: 0.30, 2017: 0.35, 2018: 0.20},
    XIJI: {2015: 0.08, 2016: 0.12, 2017: 0.18, 2018: 0.27, 2019: 0.35},
    "early": {2015: 0.12, 2016: 0.18, 2017: 0.25, 2018: 0.30, 2019: 0.15},  # exited 2019
    "late": {2015: 0.10, 2016: 0.15, 2017: 0.20, 2018: 0.25, 2019: 0.30},  # exited March 2020
    "other": {2015: 0.25, 2016: 0.30, 2017: 0.25, 2018: 0.12, 2019: 0.08},
}
EARLY_EXIT = (LONGDE, JINGYUAN, PENGYANG)
LATE_EXIT = (HAIYUAN, TONGXIN, YUANZHOU, HONGSIBAO)

# National rural poverty line, yuan per person (rules.md): 2014-16 verified; 2017 3,335, 2018 3,535
# and 2019 3,747 are the "often quoted" figures (2019 is also given as 3,218: the demo uses 3,747 so
# exited households clear both).
POVERTY_LINE = {2014: 2800, 2015: 2855, 2016: 2952, 2017: 3335, 2018: 3535, 2019: 3747}

# Per-person net income of registered households. At registration: mostly below the line (a ratio
# drawn from this range); 6% slightly above, identified on housing, health or schooling.
REGISTRATION_INCOME = (0.45, 0.97)
ABOVE_LINE_AT_REGISTRATION = 0.06
# Exited households in 2019, as a multiple of the 2019 line. Published: Yanchi's registered households
# had 8,145 yuan at exit (2018) -> about 2.3 x in 2019; income of all rural residents of poor areas was
# 10,415 in 2019 and registered households sit well below it: 1.75 x (6,560) elsewhere is assumed.
EXITED_INCOME_2019 = {YANCHI: 2.3}
EXITED_INCOME_2019_OTHER = 1.75
EXITED_MIN = 1.08
# Still-poor and returned households stay below the line (assumed range).
STILL_POOR_INCOME = (0.6, 0.96)
# Households closed by the 2015-16 re-checks were wrongly registered: above the line (assumed).
CLOSED_INCOME = (1.05, 1.6)

# Household size: the 2020 census mean is 2.65 persons (ningxia_areas.csv), poor rural households are
# larger; the demo aims at 3.4-3.8 current members (assumed, not published); tekun 1-2 persons.
HOUSEHOLD_SIZE_BAND = (3.4, 3.8)

# Health by household type: (healthy, chronic, serious, disabled) weights for adults; children are
# mostly healthy. Assumed, not published: illness and disability concentrate in dibao and tekun.
HEALTH = {
    "general": (0.86, 0.08, 0.03, 0.03),
    "subsistence": (0.58, 0.20, 0.08, 0.14),
    "extreme": (0.30, 0.38, 0.10, 0.22),
}
# Working-age adults (18-55) able to work who were away for work during the year: assumed, not
# published (labour transfer is common in Xihaigu).
AWAY_SHARE = {"general": 0.45, "subsistence": 0.3, "extreme": 0.0}

# Main cause shares: assumed, not published by county in the domain files. Illness and lack of
# capital or skills are high everywhere; lack of water in the arid central counties; lack of land in
# the Hongsibao relocation area; poor transport in the southern mountains.
BASE_CAUSES = {
    "illness": 0.22, "lack_capital": 0.22, "lack_skills": 0.17, "schooling": 0.07, "disability": 0.05,
    "lack_labour": 0.05, "disaster": 0.04, "poor_transport": 0.03, "lack_water": 0.02, "lack_land": 0.03,
    "lack_drive": 0.04, "marriage": 0.01, "funeral": 0.01, "other": 0.01,
}
CAUSE_ADJUSTMENTS = {
    ARID: {"lack_water": 0.14},
    (HONGSIBAO,): {"lack_land": 0.12},
    (XIJI, YUANZHOU, PENGYANG, LONGDE, JINGYUAN): {"poor_transport": 0.07, "disaster": 0.06},
}
# Dibao households are mostly poor through disability or illness, tekun through lack of labour.
TYPE_CAUSES = {
    "subsistence": {"disability": 0.32, "illness": 0.33, "lack_labour": 0.15, "lack_skills": 0.1,
                    "lack_capital": 0.1},
    "extreme": {"lack_labour": 0.7, "illness": 0.15, "disability": 0.15},
}
OTHER_CAUSE_COUNT = {0: 0.3, 1: 0.45, 2: 0.25}

# Living conditions at registration (shares insecure): assumed, not published. Water is worse in the
# arid counties; dangerous houses were graded C or D.
INSECURE_2014 = {"food": 0.03, "clothing": 0.03, "education": 0.05, "medical": 0.1}
DANGEROUS_HOUSE = {"C": 0.12, "D": 0.08}
WATER_INSECURE = {"arid": 0.45, "other": 0.25}

# ---- The years 2014-2021 (demo.years): rural population, procedure dates, 2020-2021 ---------------------

YEARS_ALL = range(2014, 2022)
LINE_2020 = 4000  # rules.md: about 4,000 in 2020 (SCIO briefing); carried forward to 2021
MONITORING_THRESHOLD_2021 = 6000  # rules.md: 2021 national threshold (verified)
WEST_EXIT_INCIDENCE = 0.03  # rules.md: villages and counties exit below 3% in the western region

# Rural population (the incidence denominator). Published: Ningxia's incidence 3% at end 2018 and 0.47%
# at end 2019 (rules.md); 22.9% in 2012 predates the register and is not targeted. The region's
# population is solved so that end-2019 incidence is 0.47%; end 2018 then comes out near 3% from the
# households' fates. Each poor county's end-2014 incidence below is assumed, not published; the other
# counties take the rest of the region's population (so their incidence is low, as in the north).
REGION_INCIDENCE_2019 = 0.0047
INCIDENCE_2014 = {XIJI: 0.20, HAIYUAN: 0.20, TONGXIN: 0.18, YUANZHOU: 0.15, HONGSIBAO: 0.18,
                  LONGDE: 0.17, JINGYUAN: 0.17, PENGYANG: 0.15, YANCHI: 0.15}
# Within a county, poor villages have fewer residents per registered person (higher incidence): the
# multiplier is drawn from these ranges (assumed). A poor village also holds at least enough residents
# for its incidence to be under the 3% exit line in its exit year (its exit report must hold).
POOR_VILLAGE_RESIDENTS = (0.55, 1.0)
OTHER_VILLAGE_RESIDENTS = (1.0, 2.2)
EXIT_INCIDENCE_MARGIN = 0.028
# Villages exit from 2016, when the opinion on the exit mechanism set the incidence line (rules.md).
FIRST_VILLAGE_EXIT = 2016
# Rural depopulation of about half a percent a year, with noise (assumed); persons per rural household
# 3.3 (assumed: above the 2020 census mean of 2.65 for the whole region, ningxia_areas.csv).
POPULATION_DRIFT = -0.005
RURAL_HOUSEHOLD_SIZE = 3.3

# County exits (ningxia_areas.csv exit dates): the year evaluated and the dates of the county exit
# procedure (apply, prefecture review, third-party assessment, notice, approval). Approval dates
# published: Yanchi 2018-09-29; Hongsibao, Tongxin, Yuanzhou, Haiyuan 2020-03-04 (on 2019 results);
# Xiji 2020-11-16. Longde, Jingyuan and Pengyang: 2019, date not verified (assumed December). The
# earlier steps' dates are assumed.
COUNTY_EXITS = {
    YANCHI: (2018, ("2018-07-02", "2018-07-20", "2018-09-10", "2018-09-14", "2018-09-29")),
    **{c: (2019, ("2019-10-25", "2019-11-05", "2019-12-05", "2019-12-09", "2019-12-20"))
       for c in EARLY_EXIT},
    **{c: (2019, ("2019-12-10", "2019-12-25", "2020-02-10", "2020-02-14", "2020-03-04"))
       for c in LATE_EXIT},
    XIJI: (2020, ("2020-09-01", "2020-09-15", "2020-10-30", "2020-11-05", "2020-11-16")),
}
# Household and village exits of a county's evaluated year come before its application (this many days),
# so that the figures it applies with are final (assumed).
EXITS_BEFORE_APPLICATION = 75
VILLAGE_EXITS_BEFORE_APPLICATION = (30, 45)

# 2020-2021 (assumed, not published): exited households' income grows (rural income in poor areas grew
# about 10% a year, rules.md: 4,856 in 2012 to 10,415 in 2019); those leaving in 2020 clear the 2020
# line well; some sit between the line and the 2021 monitoring threshold (with the lowest exited
# incomes, about a tenth of households are under the threshold); a few fall back below the line in 2021
# and return to poverty; a few report a sudden hardship in 2021.
GROWTH_2020 = (1.06, 1.18)
GROWTH_2021 = (1.05, 1.15)
EXIT_2020_INCOME = (1.3, 1.9)  # x the 2020 line
NEAR_THRESHOLD_SHARE = 0.03
NEAR_THRESHOLD_INCOME = (4200, 5900)
RETURNED_2021_SHARE = 0.005
RETURNED_2021_INCOME = (0.7, 0.96)  # x the line
HARDSHIP_2021_SHARE = 0.012
HARDSHIPS = {"illness": 0.5, "disaster": 0.25, "job_loss": 0.25}
HARDSHIP_EXPENSE = {"illness": (8000, 60000), "disaster": (5000, 40000), "job_loss": (1000, 8000)}
# Objections to identification notices, all answered and dismissed (assumed share).
OBJECTION_SHARE = 0.01
