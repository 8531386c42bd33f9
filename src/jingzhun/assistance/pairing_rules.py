"""Pure roll-up of a pairing partner's commitments and deliveries, over plain rows: no database.

A pair is a partner P and an area A. It takes in the pairings of P and of P's parts (a city under its
province, a district under its city) whose area lies within A: Xiamen's deliveries to Xiji count for
Fujian–Ningxia. Figures are kept by year × indicator and by county × indicator; what was committed or
delivered above county level (the province pair's own yearly agreement) cannot be put on one county and
goes to the "not attributed" row."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

# Digits of each level of a 12-digit statistical code: province, prefecture, county, township, village.
SEGMENT_ENDS = (2, 4, 6, 9, 12)
COUNTY_DIGITS = 6
UNATTRIBUTED = ""  # the by-county key of figures above county level
ZERO = Decimal("0")


@dataclass(frozen=True)
class Row:
    """One commitment or delivery: for a commitment the area is its pairing's area."""

    partner_id: int
    pairing_area: str
    area: str
    year: int
    indicator: str
    amount: Decimal
    withdrawn: bool = False


@dataclass(frozen=True)
class Cell:
    committed: Decimal = ZERO
    delivered: Decimal = ZERO

    @property
    def share(self) -> Decimal | None:
        """Delivered as a fraction of committed; None when nothing was committed."""
        if not self.committed:
            return None
        return self.delivered / self.committed


@dataclass(frozen=True)
class PairTable:
    years: list[int]
    by_year: dict[int, dict[str, Cell]]
    year_total: dict[str, Cell]
    counties: list[str]  # county codes in order, UNATTRIBUTED last when present
    by_county: dict[str, dict[str, Cell]]
    county_total: dict[str, Cell]


def code_prefix(code: str) -> str:
    """The digits that identify an area: 640422000000 → 640422; a prefix test then says "within"."""
    end = 0
    for start, stop in zip((0, *SEGMENT_ENDS), SEGMENT_ENDS, strict=False):
        if code[start:stop].strip("0"):
            end = stop
    return code[:end]


def within(code: str, prefix: str) -> bool:
    return code.startswith(prefix)


def county_of(code: str) -> str:
    """The county a code lies in, or UNATTRIBUTED for a province or prefecture."""
    if len(code_prefix(code)) < COUNTY_DIGITS:
        return UNATTRIBUTED
    return code[:COUNTY_DIGITS] + "0" * (len(code) - COUNTY_DIGITS)


def subtree(partner_id: int, parents: Mapping[int, int | None]) -> frozenset[int]:
    """The partner and every partner below it (a province's cities and their districts)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for child, parent in parents.items():
        children[parent].append(child)
    found, todo = {partner_id}, [partner_id]
    while todo:
        for child in children[todo.pop()]:
            if child not in found:  # a loop in the data must not hang the page
                found.add(child)
                todo.append(child)
    return frozenset(found)


def in_pair(row: Row, partners: frozenset[int], area_prefix: str) -> bool:
    return row.partner_id in partners and within(row.pairing_area, area_prefix)


def _add(table: dict, key, indicator: str, committed: Decimal = ZERO, delivered: Decimal = ZERO) -> None:
    cell = table[key].get(indicator, Cell())
    table[key][indicator] = Cell(cell.committed + committed, cell.delivered + delivered)


def _total(table: Mapping[object, Mapping[str, Cell]]) -> dict[str, Cell]:
    total: dict = defaultdict(dict)
    for cells in table.values():
        for indicator, cell in cells.items():
            _add(total, None, indicator, cell.committed, cell.delivered)
    return dict(total[None])


def pair_table(commitments: Iterable[Row], deliveries: Iterable[Row], *, partner_id: int, area_code: str,
               parents: Mapping[int, int | None], inside: str = "", year: int | None = None) -> PairTable:
    """The pair (partner_id, area_code)'s figures. `inside` keeps only rows whose area lies within that
    prefix (an officer of Xiji sees Xiji's part of a province pair); `year` narrows the by-county table
    while the by-year table keeps every year. Withdrawn deliveries never count."""
    partners, area_prefix = subtree(partner_id, parents), code_prefix(area_code)
    by_year: dict = defaultdict(dict)
    by_county: dict = defaultdict(dict)
    for rows, kind in ((commitments, "committed"), (deliveries, "delivered")):
        for row in rows:
            if row.withdrawn or not in_pair(row, partners, area_prefix) or not within(row.area, inside):
                continue
            amount = {kind: row.amount}
            _add(by_year, row.year, row.indicator, **amount)
            if year is None or row.year == year:
                _add(by_county, county_of(row.area), row.indicator, **amount)
    counties = sorted(code for code in by_county if code != UNATTRIBUTED)
    if UNATTRIBUTED in by_county:
        counties.append(UNATTRIBUTED)
    return PairTable(years=sorted(by_year), by_year=dict(by_year), year_total=_total(by_year),
                     counties=counties, by_county=dict(by_county), county_total=_total(by_county))
