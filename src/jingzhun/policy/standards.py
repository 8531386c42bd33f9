"""The published standards shipped with the system (data/standards.csv), as rows and into the database."""

import csv
from decimal import Decimal
from pathlib import Path

from .rules import Row

DATA = Path(__file__).resolve().parent / "data" / "standards.csv"
FIELDS = ("key", "jurisdiction", "year_from", "year_to", "value", "in_force", "verified", "source", "note")


def published_rows(path: Path = DATA) -> list[dict]:
    """The file's rows as model field values."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{
            "key": row["key"], "jurisdiction": row["jurisdiction"], "year_from": int(row["year_from"]),
            "year_to": int(row["year_to"]) if row["year_to"] else None, "value": Decimal(row["value"]),
            "in_force": row["in_force"] == "1", "verified": row["verified"] == "1", "source": row["source"],
            "note": row["note"],
        } for row in csv.DictReader(handle)]


def as_row(values: dict) -> Row:
    return Row(values["key"], values["jurisdiction"], values["year_from"], values["year_to"],
               Decimal(values["value"]), values["in_force"], values["verified"], values["source"],
               values.get("pk") or values.get("id"))


def load_standards(standard_model) -> int:
    """Adds the published rows the database lacks (matched on key, jurisdiction, years and value); rows
    officers changed or added are left as they are. Returns the number added."""
    have = {(s.key, s.jurisdiction, s.year_from, s.year_to, s.value)
            for s in standard_model.objects.all()}
    missing = [values for values in published_rows()
               if (values["key"], values["jurisdiction"], values["year_from"], values["year_to"],
                   values["value"]) not in have]
    standard_model.objects.bulk_create([standard_model(**values) for values in missing])
    return len(missing)


def ensure_standards() -> None:
    """The standards are migration data, which `flush` (and a transactional test) empties: put them back."""
    from .models import Standard

    if not Standard.objects.exists():
        load_standards(Standard)
