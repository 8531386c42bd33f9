"""An exit report as an .xlsx workbook (XlsxWriter): summary, criteria, thresholds, villages, the
households still poor and the third-party sample, one sheet each, labels in the reader's language."""

import io

import xlsxwriter
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import area_rules
from .sampling import stratum_label


def _name(item: dict) -> str:
    return item.get("name_en") if (get_language() or "").startswith("en") else item.get("name_zh")


def _yes_no(value) -> str:
    if value is None:
        return "—"
    return _("yes") if value else _("no")


def _sheet(book, title: str, header: list[str], rows, bold):
    sheet = book.add_worksheet(title[:31])
    sheet.write_row(0, 0, header, bold)
    for n, row in enumerate(rows, start=1):
        sheet.write_row(n, 0, ["" if v is None else v for v in row])
    sheet.set_column(0, len(header) - 1, 18)
    return sheet


def workbook(report: dict) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    figures = report["incidence"]
    _sheet(book, _("Summary"), [_("item"), _("value")], [
        (_("area code"), report["area"]["code"]),
        (_("area"), _name(report["area"])),
        (_("year evaluated"), report["year"]),
        (_("poor persons"), figures["poor"]),
        (_("rural residents"), figures["population"]),
        (_("poverty incidence"), figures["percent"]),
        (_("exit criteria met"), _yes_no(report["passes"])),
        (_("households still poor"), report["remaining"]["count"]),
    ], bold)
    criteria = area_rules.criteria_from(report["criteria"])
    _sheet(book, _("Criteria"), [_("criterion"), _("veto"), _("met"), _("reason")],
           [(c.label, _yes_no(c.veto), _yes_no(c.passed), c.reason) for c in criteria], bold)
    _sheet(book, _("Thresholds"), [_("standard"), _("value"), _("source")],
           [(t["key"], t["percent"], t["source"]) for t in report["thresholds"]], bold)
    if "villages" in report:
        _sheet(book, _("Poor villages"), [_("code"), _("village"), _("still poor"), _("poor persons"),
                                          _("rural residents"), _("poverty incidence")],
               [(v["code"], _name(v), _yes_no(v["still_poor"]), v["poor"], v["population"], v["percent"])
                for v in report["villages"]], bold)
    _sheet(book, _("Still poor"), [_("household number"), _("village"), _("head of household"),
                                   _("resident ID number"), _("persons")],
           [(h["number"], h["village"], h["head"], h["id_number"], h["persons"])
            for h in report["remaining"]["households"]], bold)
    sample = report.get("sample")
    if sample:
        _sheet(book, _("Sampled villages"), [_("code"), _("village"), _("stratum"),
                                             _("non-registered residents checked"), _("missed poor found")],
               [(v["code"], _name(v), stratum_label(v["stratum"]), v["population_checked"], v["missed_found"])
                for v in sample.get("villages", [])], bold)
        _sheet(book, _("Sampled households"), [_("household number"), _("village"), _("head of household"),
                                               _("stratum"), _("surveyed"), _("wrongly exited"),
                                               _("approves of the work"), _("note")],
               [(h["number"], h["village"], h["head"], stratum_label(h["stratum"]), _yes_no(h["surveyed"]),
                 _yes_no(h["wrongly_exited"]), _yes_no(h["approves"]), h["note"])
                for h in sample.get("households", [])], bold)
    book.close()
    return out.getvalue()
