"""The fast path of an import: new households whose every cell check.py would pass without a word, found
and turned into the rows to write column by column over Arrow arrays, with no Python loop per row.

Each column's distinct texts go through the very parsers check.py uses (cells.Parsers), once per distinct
text; ID numbers, nearly all distinct, are checked by array arithmetic (pattern, check digit, date of
birth) with the area code looked up once per distinct (area, year of birth). A household takes this path
only when all of its rows parse with no error or warning, its household cells are the same text on every
row, it has exactly one head, its income year fits, none of its ID numbers is elsewhere in the file or
held by a current member in the registry, and its number is not registered yet. Every other household
goes through check.py, which gives the same answers and all the messages.
"""

import datetime
import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from jingzhun.areas.models import Area, Level
from jingzhun.areas.scope import Scope

from .. import rules
from ..choices import Ethnicity, Health, Relation
from ..models import Cause, Household, Member
from .cells import CellError, Parsers, cause_labels
from .check import lookup
from .columns import INCOME_COLUMNS, Column, Kind
from .read import Table

# pyarrow looks python-dateutil up each time it converts Python values; when it is not installed, each
# look searches the import path anew (0.4 ms, a second of a million-row import). Its absence is
# recorded once, so a look fails at once, as it would anyway.
if importlib.util.find_spec("dateutil") is None:
    sys.modules.setdefault("dateutil", None)

AMOUNTS = [key for key, _zh, _en in INCOME_COLUMNS]
ID_PATTERN = "^[0-9]{17}[0-9X]$"
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
CHECK_CHARACTERS = pa.array(list("10X98765432"))  # by the weighted sum modulo 11
STRING = pa.string()
# What json.dumps escapes (ensure_ascii=False): quotes, backslashes and control characters.
NEEDS_ESCAPE = r'["\\\x00-\x1f]'
NEEDS_ESCAPE_PYTHON = re.compile(r'["\\\x00-\x1f]')
CHUNK_ROWS = 50_000  # rows checked (then written) at a time
SPACES = pa.array([c for c in map(chr, range(0x3001)) if c.isspace()])  # what str.strip removes


@dataclass
class Fast:
    """A chunk's new households of the fast path, ready to write."""

    households: pa.Table  # one row per household, in the file's order (see _households)
    members: pa.Table  # one row per member, by household then row (see _members)
    others: pa.Table  # (household position, cause code): the household's other causes

    @property
    def row_count(self) -> int:
        return self.members.num_rows


@dataclass
class _Column:
    """One file column parsed by distinct text: per row its distinct index, per distinct text whether it
    passes clean and its clean value."""

    indices: pa.Array
    good: list[bool]
    values: list
    texts: pa.Array | None = None  # the distinct texts, when each good one's clean value is itself

    def good_rows(self) -> pa.Array:
        return pc.take(pa.array(self.good, pa.bool_()), self.indices)

    def present(self) -> pa.Array:
        """Per row, whether it has a value."""
        if self.texts is not None:
            return pc.is_valid(pc.take(self.texts, self.indices))
        return self.take(lambda v: v is not None, pa.bool_())

    def take(self, derive, kind: pa.DataType = STRING) -> pa.Array:
        """Per row, `derive(value)` of its distinct text's clean value (computed once per distinct)."""
        if self.texts is not None and (derive is _text or isinstance(derive, _Json)):
            # Names, addresses, codes and amounts as typed: no Python per distinct text.
            return pc.take(self.texts if derive is _text else derive.of(self.texts), self.indices)
        return pc.take(pa.array([derive(v) for v in self.values], kind), self.indices)


def find_fast(table: Table, scope: Scope, *, today: datetime.date | None = None,
              chunk_rows: int = CHUNK_ROWS) -> "FastRun | None":
    """The checks of the fast path across households, over the whole table and with every database
    read it needs; None when no household can take it. FastRun.chunks() then checks the rest."""
    today = today or datetime.date.today()
    arrow, _numbers = table.columnar()
    if not arrow.num_rows:
        return None
    by_key = {column.key: _one_array(arrow.column(i)) for i, column in enumerate(table.columns)}
    if not {"relation", "id_number", "household_number"} <= by_key.keys():
        return None
    columns = [column for column in table.columns if column.kind is not Kind.ID_NUMBER]
    parsers = Parsers(cause_labels(Cause.objects.all()), today=today)
    villages = _villages_in(scope) if any(column.kind is Kind.AREA for column in columns) else None
    # Households: rows whose numbers are the same once stripped are one household, as in check.py;
    # numbered in the order first seen.
    number_column = next(column for column in columns if column.key == "household_number")
    number = _parse(by_key["household_number"], number_column, parsers, villages)
    positions: dict[str, int] = {}
    household_of_text = [positions.setdefault(v, len(positions)) if v else -1 for v in number.values]
    household = pc.take(pa.array(household_of_text, pa.int64()), number.indices)
    # ID numbers as written, or as check.py compares them when not plain; whether each is a valid
    # number is for the chunks (a household with an invalid one goes the slow way all the same).
    ids = by_key["id_number"]
    plain = pc.match_substring_regex(ids, ID_PATTERN)
    bad = _households_of(household, pc.or_(pc.invert(plain), _repeated_ids(ids, plain)))
    bad |= _registered(positions, household, ids, plain)
    candidate = pc.greater_equal(household, 0)
    if bad:
        candidate = pc.and_(candidate, pc.invert(pc.is_in(household, pa.array(sorted(bad), pa.int64()))))
    if not pc.any(candidate).as_py():
        return None
    return FastRun(columns, by_key, parsers, villages, today, household, candidate, chunk_rows)


def _one_array(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


@dataclass
class FastRun:
    """The file as the fast path sees it once the checks across households are done: which rows may
    still take it (`candidate`: the rows of households with a number, not registered, whose ID numbers
    are all written plain and none of them is on another row or held in the registry). chunks() checks
    the rest, a chunk of households at a time, reading nothing from the database, so it can run in a
    helper thread beside the writing of the chunk before."""

    columns: list[Column]
    by_key: dict[str, pa.Array]
    parsers: Parsers
    villages: set[str] | None
    today: datetime.date
    household: pa.Array  # per row: its household's number in the file, -1 for none
    candidate: pa.Array
    chunk_rows: int
    chosen: list[pa.Array] = field(default_factory=list)  # each chunk's households that took the path

    def chunks(self) -> Iterator[Fast]:
        """The fast households of each chunk in turn: about `chunk_rows` rows of households numbered
        one after another (so, in file order), each household with all its rows wherever they are."""
        count, households = len(self.household), pc.max(self.household).as_py() + 1
        per_chunk = max(1, households * self.chunk_rows // count)
        chunk = pc.divide(pc.if_else(self.candidate, self.household, pa.scalar(None, pa.int64())), per_chunk)
        for number in range(households // per_chunk + 1):
            picked = pc.indices_nonzero(pc.fill_null(pc.equal(chunk, number), False))
            if not len(picked):
                continue
            start, length = picked[0].as_py(), len(picked)
            if picked[-1].as_py() - start + 1 == length:  # the usual file: a household's rows together
                found = self._find(lambda values, start=start, length=length: values.slice(start, length))
            else:
                found = self._find(lambda values, picked=picked: pc.take(values, picked))
            if found is not None:
                yield found

    def candidate_count(self) -> int:
        return pc.sum(pc.cast(self.candidate, pa.int64())).as_py() or 0

    def rows(self) -> pa.Array:
        """Per row of the table: whether it went the fast path (once chunks() has run through)."""
        if not self.chosen:
            return pa.array([False] * len(self.household))
        return pc.is_in(self.household, pa.concat_arrays(self.chosen))

    def _find(self, pick) -> Fast | None:
        by_key = {key: pick(values) for key, values in self.by_key.items()}
        parsed = {column.key: _parse(by_key[column.key], column, self.parsers, self.villages)
                  for column in self.columns}
        household = pick(self.household)
        count = len(household)
        good = _id_numbers_good(by_key["id_number"], self.today)
        for column in parsed.values():
            good = pc.and_(good, column.good_rows())
        row = pa.array(range(count), pa.int64())
        frame = {"household": household, "row": row, "good": pc.cast(good, pa.int64()),
                 "head": pc.cast(pc.equal(parsed["relation"].take(lambda v: v), Relation.HEAD), pa.int64())}
        household_columns = [column.key for column in self.columns if column.household]
        for key in household_columns:
            frame[key] = parsed[key].indices
        aggregates = [("row", "min"), ("good", "min"), ("head", "sum")]
        aggregates += [(key, extreme) for key in household_columns for extreme in ("min", "max")]
        groups = pa.table(frame).group_by("household", use_threads=False).aggregate(aggregates)
        fits = pc.and_(pc.equal(groups["good_min"], 1), pc.equal(groups["head_sum"], 1))
        for key in household_columns:
            fits = pc.and_(fits, pc.equal(groups[f"{key}_min"], groups[f"{key}_max"]))
        bad = set(pc.filter(groups["household"], pc.invert(fits)).to_pylist())
        first_rows = groups["row_min"].combine_chunks()
        first_rows = pc.take(first_rows, pc.sort_indices(first_rows))  # file order
        bad |= _income_year_misfits(parsed, pc.take(household, first_rows), first_rows, self.today)
        if bad:
            rejected = pa.array(sorted(bad), pa.int64())
            chosen = pc.invert(pc.is_in(household, rejected))
            first_rows = pc.filter(first_rows, pc.invert(pc.is_in(pc.take(household, first_rows), rejected)))
        else:
            chosen = pa.array([True] * count)
        if not len(first_rows):
            return None
        self.chosen.append(pc.take(household, first_rows))
        return _build(parsed, by_key["id_number"], household, chosen, first_rows)


def _parse(texts: pa.Array, column: Column, parsers: Parsers, villages: set[str] | None) -> _Column:
    """Each distinct raw text stripped and parsed once, as check.py would parse it."""
    encoded = pc.dictionary_encode(texts)
    if column.kind is Kind.TEXT:
        return _text_column(encoded, column)
    if column.kind is Kind.MONEY and (found := _money_column(encoded, column)) is not None:
        return found
    parse = parsers.parser_for(column)
    known_villages = villages if column.kind is Kind.AREA else None
    good, values, as_written = [], [], True
    for raw in encoded.dictionary.to_pylist():
        text = raw.strip()
        if not text:
            good.append(not column.required)
            values.append(None)
            as_written = as_written and not raw
            continue
        try:
            value, warning = parse(text)
        except CellError:
            good.append(False)
            values.append(None)
            continue
        if known_villages is not None and value not in known_villages:
            warning = "unknown or outside the area"  # check.py says which
        good.append(not warning)
        values.append(value)
        as_written = as_written and (warning or value is raw or _text(value) == raw)
    texts = None
    if as_written:  # the empty text, if any, stands for no value
        texts = pc.if_else(pc.equal(encoded.dictionary, ""), pa.scalar(None, STRING), encoded.dictionary)
    return _Column(encoded.indices, good, values, texts)


def _text_column(encoded: pa.DictionaryArray, column: Column) -> _Column:
    """A free-text column: each text its own clean value once stripped (in Python, for the few texts
    with white space at either end), an empty one none; required columns must not be empty."""
    texts = encoded.dictionary
    padded = pc.or_(pc.is_in(pc.utf8_slice_codeunits(texts, 0, 1), value_set=SPACES),
                    pc.is_in(pc.utf8_slice_codeunits(texts, -1, 2**31 - 1), value_set=SPACES))
    if pc.any(padded).as_py():
        stripped = [text.strip() for text in pc.filter(texts, padded).to_pylist()]
        texts = pc.replace_with_mask(texts, padded, pa.array(stripped, STRING))
    return _as_written(encoded.indices, texts, column)


def _money_column(encoded: pa.DictionaryArray, column: Column) -> _Column | None:
    """An amount column whose every distinct text is empty or plain yuan and fen below the column's
    maximum ("1234.50"), which cells.Parsers takes as written; None for any other, which goes through
    the parsers text by text."""
    limit = str(int(column.maximum)) if column.maximum is not None else ""
    if column.minimum != 0 or limit.rstrip("0") != "1":  # the check below holds for 0 to a power of ten
        return None
    texts = encoded.dictionary
    # No leading zero ("0123.45" is stored as 123.45, not as written); len(limit) - 1 digits stay below it.
    plain = pc.match_substring_regex(texts, f"^(0|[1-9][0-9]{{0,{len(limit) - 2}}})\\.[0-9]{{2}}$")
    if not pc.all(pc.or_(plain, pc.equal(texts, ""))).as_py():
        return None
    return _as_written(encoded.indices, texts, column, Decimal)


def _as_written(indices: pa.Array, texts: pa.Array, column: Column, convert=None) -> _Column:
    """A column whose distinct texts, already stripped, are their own clean values (`convert` gives the
    value where one is asked for): an empty text is no value, and a required column must have one."""
    empty = pc.equal(texts, "")
    good = pc.invert(empty).to_pylist() if column.required else [True] * len(texts)
    texts = pc.if_else(empty, pa.scalar(None, STRING), texts)
    return _Column(indices, good, _LazyTexts(texts, convert), texts)


class _LazyTexts:
    """A column's clean values as a Python list, made only if asked for (the household numbers): its
    texts, or `convert` of each (None stays None)."""

    def __init__(self, texts: pa.Array, convert=None):
        self.texts = texts
        self.convert = convert
        self.values = None

    def _list(self) -> list:
        if self.values is None:
            self.values = self.texts.to_pylist()
            if self.convert:
                self.values = [None if v is None else self.convert(v) for v in self.values]
        return self.values

    def __iter__(self):
        return iter(self._list())

    def __getitem__(self, index):
        return self._list()[index]


def _villages_in(scope: Scope) -> set[str]:
    codes = Area.objects.filter(level=Level.VILLAGE).values_list("code", flat=True)
    return {code for code in codes if scope.covers(code)}


def _id_numbers_good(ids: pa.Array, today: datetime.date) -> pa.Array:
    """Whether each ID number passes rules.check_id_number unchanged and with no warning: 17 digits and
    a digit or X, the right check digit, a real date of birth from 1900 to today, and an area code that
    existed in the year of birth."""
    plain = pc.match_substring_regex(ids, ID_PATTERN)
    digits = pc.if_else(plain, ids, "110101190001010018")  # any plain number, for the arithmetic below
    # The first 17 digits as one integer (below 2**63), taken apart digit by digit: integer arithmetic
    # over the whole column costs far less than 17 slices of text.
    number = pc.cast(pc.utf8_slice_codeunits(digits, 0, 17), pa.int64())
    rest, total = number, pa.scalar(0, pa.int64())
    for position in reversed(range(17)):
        quotient = pc.divide(rest, 10)
        digit = pc.subtract(rest, pc.multiply(quotient, 10))
        total = pc.add(total, pc.multiply(digit, ID_WEIGHTS[position]))
        rest = quotient
    expected = pc.take(CHECK_CHARACTERS, pc.subtract(total, pc.multiply(pc.divide(total, 11), 11)))
    checksum = pc.equal(expected, pc.utf8_slice_codeunits(digits, 17, 18))
    day_number = pc.divide(number, 1000)  # …YYYYMMDD: digits 7–14 end three digits from the right
    year, month, day = (
        pc.subtract(pc.divide(day_number, scale), pc.multiply(pc.divide(day_number, scale * base), base))
        for scale, base in ((10_000, 10_000), (100, 100), (1, 100)))
    born = pc.strptime(pc.utf8_slice_codeunits(digits, 6, 14), format="%Y%m%d", unit="s", error_is_null=True)
    # strptime rolls 0229 of a common year over to 0301: the parts must come back as written.
    real = pc.fill_null(pc.and_(pc.and_(pc.equal(pc.year(born), year), pc.equal(pc.month(born), month)),
                                pc.equal(pc.day(born), day)), False)
    earliest = datetime.datetime.combine(rules.EARLIEST_BIRTH, datetime.time())
    latest = datetime.datetime.combine(today, datetime.time())
    in_range = pc.fill_null(pc.and_(pc.greater_equal(born, pa.scalar(earliest, pa.timestamp("s"))),
                                    pc.less_equal(born, pa.scalar(latest, pa.timestamp("s")))), False)
    area_year = pc.dictionary_encode(pc.utf8_slice_codeunits(digits, 0, 10))
    area_good = [rules.area_code_known(key[:6]) and rules.area_code_valid_in(key[:6], int(key[6:]))
                 for key in area_year.dictionary.to_pylist()]
    area = pc.take(pa.array(area_good, pa.bool_()), area_year.indices)
    return pc.and_(pc.and_(plain, checksum), pc.and_(pc.and_(real, in_range), area))


def _repeated_ids(ids: pa.Array, plain: pa.Array) -> pa.Array:
    """Rows whose ID number, in the form check.py compares (python-stdnum's compact form for any number
    not already plain, which leaves a plain one as it is), is on another row too."""
    if not pc.all(plain).as_py():
        from stdnum.cn import ric

        odd = pc.indices_nonzero(pc.invert(plain))
        compacted = [ric.compact(text or "") or f"\0{i}" for i, text in
                     zip(odd.to_pylist(), pc.take(ids, odd).to_pylist(), strict=True)]
        keys = pc.replace_with_mask(ids, pc.invert(plain), pa.array(compacted, pa.string()))
    else:
        keys = ids
    encoded = pc.dictionary_encode(keys)
    counts = pa.table({"i": encoded.indices}).group_by("i", use_threads=False).aggregate([("i", "count")])
    repeated = pc.filter(counts["i"], pc.greater(counts["i_count"], 1))
    return pc.is_in(encoded.indices, repeated)


def _households_of(household: pa.Array, rows: pa.Array) -> set[int]:
    return set(pc.unique(pc.filter(household, rows)).to_pylist())


def _income_year_misfits(parsed: dict, households: pa.Array, first_rows: pa.Array,
                         today: datetime.date) -> set[int]:
    """Households whose amounts have no income year, or whose year is out of range for their
    registration (check._household_problems)."""
    count = len(first_rows)
    has = pa.array([False] * count)
    for key in AMOUNTS:
        if key in parsed:
            has = pc.or_(has, pc.take(parsed[key].present(), first_rows))
    if "income_year" not in parsed:
        return set(pc.filter(households, has).to_pylist())
    year = pc.take(parsed["income_year"].take(lambda v: v, pa.int64()), first_rows)
    registered = pc.take(parsed["registered_year"].take(lambda v: v, pa.int64()), first_rows)
    out_of_range = pc.or_(pc.less(year, pc.subtract(registered, 1)), pc.greater(year, today.year))
    misfit = pc.or_(pc.and_(pc.is_null(year), has), pc.fill_null(out_of_range, False))
    return set(pc.filter(households, misfit).to_pylist())


def _registered(positions: dict[str, int], household: pa.Array, ids: pa.Array, plain: pa.Array) -> set[int]:
    """Households already in the registry, or with an ID number (of those written plain) a current
    member holds."""
    household_table, member_table = Household._meta.db_table, Member._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {quote(household_table)} LIMIT 1")
        if cursor.fetchone() is None:
            return set()
    bad = {positions[number] for (number,) in lookup(
        f"SELECT number FROM {quote(household_table)} WHERE number IN ({{marks}})", list(positions))}
    held = [number for (number,) in lookup(
        f"SELECT id_number FROM {quote(member_table)} WHERE left_on IS NULL AND id_number IN ({{marks}})",
        pc.filter(ids, plain).to_pylist())]
    if held:
        bad |= _households_of(household, pc.is_in(ids, pa.array(held, pa.string())))
    return bad


# --- the rows to write ---------------------------------------------------------------------------------

def _text(value) -> str | None:
    return None if value is None else str(value)


class _Json:
    """The `"key":value` JSON member of a value as the audit's snapshot writes it, or None for an empty
    value (left out); `closing=False` gives the bare JSON string without its closing quote."""

    def __init__(self, key: str | None, *, closing: bool = True):
        self.start = f'"{key}":"' if key else '"'
        self.end = '"' if closing else ""

    def __call__(self, value) -> str | None:
        if value is None or value == "":
            return None
        if type(value) is not str:
            value = value.isoformat() if isinstance(value, datetime.date) else (
                ("1" if value else "0") if isinstance(value, bool) else str(value))
        if not NEEDS_ESCAPE_PYTHON.search(value):
            return f"{self.start}{value}{self.end}"
        return self.start[:-1] + json.dumps(value, ensure_ascii=False)[:len(self.end) - 1 or None]

    def of(self, texts: pa.Array) -> pa.Array:
        """The same over an array of texts, in Arrow but for texts JSON must escape."""
        plain = pc.binary_join_element_wise(self.start, texts, self.end, "")
        escape = pc.fill_null(pc.match_substring_regex(texts, NEEDS_ESCAPE), False)
        if not pc.any(escape).as_py():
            return plain
        escaped = [self(text) for text in pc.filter(texts, escape).to_pylist()]
        return pc.replace_with_mask(plain, escape, pa.array(escaped, STRING))


_json_value = _Json(None, closing=False)  # a text as a JSON string without its closing quote


def _build(parsed: dict, ids: pa.Array, household: pa.Array, chosen: pa.Array, first_rows: pa.Array) -> Fast:
    """The households (from each one's first row) and the members (rows by household, then row) of the
    chosen rows, as Arrow tables of the values to write and of the audit snapshot's JSON pieces."""
    position = pa.array(range(len(first_rows)), pa.int64())
    # Each chosen household's place in file order, per row.
    order = pc.take(household, first_rows)
    placed = pc.index_in(household, value_set=order)
    member_rows = pc.filter(pa.array(range(len(household)), pa.int64()), chosen)
    member_rows = pc.take(member_rows, pc.sort_indices(
        pa.table({"h": pc.take(placed, member_rows), "r": member_rows}), sort_keys=[("h", "ascending"),
                                                                                      ("r", "ascending")]))
    others = _others_text(parsed, first_rows)
    return Fast(households=_households(parsed, first_rows, position, others),
                members=_members(parsed, ids, member_rows, pc.take(placed, member_rows)),
                others=_others(others))


def _value(parsed: dict, key: str, derive=_text, kind: pa.DataType = STRING) -> pa.Array | None:
    column = parsed.get(key)
    return None if column is None else column.take(derive, kind)


def _households(parsed: dict, first_rows: pa.Array, position: pa.Array, others: pa.Array) -> pa.Table:
    def at_first(key, derive=_text, kind=STRING, default=None):
        values = _value(parsed, key, derive, kind)
        if values is None:
            return pa.nulls(len(first_rows), kind) if default is None else pa.array(
                [default] * len(first_rows), kind)
        values = pc.take(values, first_rows)
        return values if default is None else pc.fill_null(values, default)

    main = at_first("main_cause")
    columns = {
        "position": position,
        "village": at_first("village"),
        "number": at_first("household_number"),
        "address": at_first("address", default=""),
        "phone": at_first("phone", default=""),
        "household_type": at_first("household_type"),
        "status": at_first("status"),
        "registered_year": at_first("registered_year", lambda v: v, pa.int64()),
        "main_cause": main,
        "income_year": at_first("income_year", lambda v: v, pa.int64()),
    }
    for key in AMOUNTS:
        columns[key] = at_first(key, _text, default="0.00")
    pieces = [at_first(key, _Json(name)) for key, name in (
        ("village", "village"), ("household_number", "number"), ("address", "address"), ("phone", "phone"),
        ("household_type", "household_type"), ("status", "status"), ("registered_year", "registered_year"),
        ("main_cause", "main_cause"))]
    pieces.append(pc.if_else(pc.equal(others, ""), pa.scalar(None, pa.string()),
                             pc.binary_join_element_wise('"other_causes":"', others, '"', "")))
    columns["json_head"] = pc.binary_join_element_wise(*pieces, ",", null_handling="skip")
    return pa.table(columns)


def _others_text(parsed: dict, first_rows: pa.Array) -> pa.Array:
    """Each household's other causes as the audit writes them: sorted codes without the main cause."""
    if "other_causes" not in parsed:
        return pa.array([""] * len(first_rows))
    others = pc.take(parsed["other_causes"].indices, first_rows)
    main = pc.take(parsed["main_cause"].indices, first_rows) if "main_cause" in parsed else pa.array(
        [None] * len(first_rows), pa.int32())
    pairs = pc.dictionary_encode(pc.binary_join_element_wise(
        pc.cast(pc.fill_null(main, -1), pa.string()), pc.cast(others, pa.string()), ":"))
    texts = []
    main_values = parsed["main_cause"].values if "main_cause" in parsed else []
    for key in pairs.dictionary.to_pylist():
        main_index, others_index = (int(part) for part in key.split(":"))
        main_code = main_values[main_index] if main_index >= 0 else None
        codes = parsed["other_causes"].values[others_index] or []
        texts.append(",".join(sorted(set(codes) - {main_code})))
    return pc.take(pa.array(texts, pa.string()), pairs.indices)


def _others(texts: pa.Array) -> pa.Table:
    """(household position, cause) for each of the households' other causes (see _others_text)."""
    codes = pc.split_pattern(texts, ",")
    households = pc.list_parent_indices(codes)
    codes = pc.list_flatten(codes)
    keep = pc.not_equal(codes, "")
    return pa.table({"position": pc.filter(pc.cast(households, pa.int64()), keep),
                     "cause": pc.filter(codes, keep)})


def _members(parsed: dict, ids: pa.Array, rows: pa.Array, placed: pa.Array) -> pa.Table:
    def of(key, derive=_text, kind=STRING):
        values = _value(parsed, key, derive, kind)
        return None if values is None else pc.take(values, rows)

    count = len(rows)
    id_numbers = pc.take(ids, rows)
    relation = of("relation")
    ethnicity = pc.fill_null(_or_nulls(of("ethnicity"), count), Ethnicity.HAN.value)
    health = pc.fill_null(_or_nulls(of("health"), count), Health.HEALTHY.value)
    grade = of("disability_grade", lambda v: v, pa.int64())
    grade = pa.nulls(count, pa.int64()) if grade is None else pc.if_else(
        pc.equal(health, Health.DISABLED.value), grade, pa.scalar(None, pa.int64()))
    in_school = pc.fill_null(_or_nulls(of("in_school", lambda v: v, pa.bool_()), count, pa.bool_()), False)
    months = pc.fill_null(_or_nulls(of("months_away", lambda v: v, pa.int64()), count, pa.int64()), 0)
    registered = pc.cast(of("registered_year", lambda v: v, pa.int64()), pa.string())
    joined = _or_nulls(of("joined_on", lambda v: v.isoformat() if v else None), count)
    joined = pc.coalesce(joined, pc.binary_join_element_wise(registered, "01-01", "-"))
    birth = pc.binary_join_element_wise(pc.utf8_slice_codeunits(id_numbers, 6, 10),
                                        pc.utf8_slice_codeunits(id_numbers, 10, 12),
                                        pc.utf8_slice_codeunits(id_numbers, 12, 14), "-")
    sex_digit = pc.cast(pc.utf8_slice_codeunits(id_numbers, 16, 17), pa.int64())
    sex = pc.if_else(pc.equal(pc.bit_wise_and(sex_digit, 1), 1), "M", "F")
    name, education, labour = of("name"), of("education"), of("labour")

    # The member as the creation event lists it (AuditEvent.IMPORTED_MEMBER_FIELDS after the id, which is
    # only known when writing): name as JSON, the rest digits and codes with nothing to escape.
    quoted = [pc.fill_null(values, "") for values in (
        id_numbers, relation, ethnicity, education, pc.if_else(in_school, "1", "0"), health,
        pc.cast(grade, STRING), labour, pc.cast(months, STRING), joined)]
    snapshot = pc.binary_join_element_wise(of("name", _json_value), *quoted, '","')
    return pa.table({
        "placed": placed, "name": name, "id_number": id_numbers, "sex": sex, "birth_date": birth,
        "relation": relation, "ethnicity": ethnicity, "education": education, "in_school": in_school,
        "health": health, "disability_grade": grade, "labour": labour, "months_away": months,
        "joined_on": joined,
        "json": snapshot,  # name","id_number",…,"joined_on"
    })


def _or_nulls(values: pa.Array | None, count: int, kind: pa.DataType = STRING) -> pa.Array:
    """The column's values, or nulls when the file has no such column."""
    return pa.nulls(count, kind) if values is None else values
