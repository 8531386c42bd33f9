"""The measures catalogue and the cause → measure table shipped with the system (data/*.csv), loaded by a
migration; officers change the rows afterwards, and a reload adds only what is missing."""

import csv
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def published_measures() -> list[dict]:
    return [{"code": row["code"], "batch": row["batch"], "name_zh": row["name_zh"], "name_en": row["name_en"],
             "condition": row["condition"], "order": order, "source": row["source"],
             "typical_amount": Decimal(row["typical_amount"]) if row["typical_amount"] else None}
            for order, row in enumerate(_rows("measures.csv"))]


def published_rules() -> list[dict]:
    return [{"jurisdiction": row["jurisdiction"], "cause_id": row["cause"], "measure_id": row["measure"],
             "rank": int(row["rank"]), "note": row["note"]} for row in _rows("rules.csv")]


def load_catalogue(measure_model, rule_model) -> int:
    """Adds the shipped measures and rule rows the database lacks; changed rows are left alone."""
    have = set(measure_model.objects.values_list("code", flat=True))
    measures = [measure_model(**values) for values in published_measures() if values["code"] not in have]
    measure_model.objects.bulk_create(measures)
    keys = set(rule_model.objects.values_list("jurisdiction", "cause_id", "measure_id"))
    rules = [rule_model(**values) for values in published_rules()
             if (values["jurisdiction"], values["cause_id"], values["measure_id"]) not in keys]
    rule_model.objects.bulk_create(rules)
    return len(measures) + len(rules)


def ensure_catalogue() -> None:
    """Migration data, which `flush` (and a transactional test) empties: put it back."""
    from .models import Measure, MeasureRule

    if not Measure.objects.exists():
        load_catalogue(Measure, MeasureRule)
