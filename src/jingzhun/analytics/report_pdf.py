"""The yearly report as a PDF (WeasyPrint) from the page's own sections: A4, the area and year atop every
page, page numbers below, WenQuanYi Micro Hei embedded from its installed file (the yearly account's
font lookup and fetcher, which read nothing else: no network), the charts as the page's inline SVG. The
first page holds the title, the trend chart and the summary; the wide table of the areas within goes on
a landscape page."""

import re

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from jingzhun.funds.report_pdf import FAMILY, cjk_font, font_only_fetcher

from . import report_content
from .report_charts import all_charts
from .report_sections import all_tables

SVG_ROOT = re.compile(r"<svg\b[^>]*>")


def with_font(svg: str) -> str:
    """The chart with the embedded family as its inherited font, so its Chinese labels are set in it
    (WeasyPrint's SVG text reads the font-family attribute, not the document's CSS)."""
    root = SVG_ROOT.search(str(svg or ""))
    if root is None or "font-family" in root.group(0):
        return svg
    tag = root.group(0).replace("<svg", f'<svg font-family="{FAMILY}, sans-serif"', 1)
    return mark_safe(str(svg).replace(root.group(0), tag, 1))  # noqa: S308 (the charts' own SVG)


def context(figures, generated_by: str, *, links: bool) -> dict:
    """What the page and the PDF show; call it with the reader's language active."""
    tables = all_tables(figures, generated_by)
    return {"figures": figures, "title": report_content.title(figures), "tables": tables,
            "charts": all_charts(figures, links=links)}


def pdf_bytes(figures, language: str, generated_by: str) -> bytes:
    # Imported here: WeasyPrint loads Pango on import, which only the PDF needs.
    from weasyprint import HTML

    font = cjk_font()
    with translation.override(language):
        found = context(figures, generated_by, links=False)
        found["charts"] = {key: with_font(svg) for key, svg in found["charts"].items()}
        html = render_to_string("analytics/report_pdf.html", {
            **found, "font_url": font.as_uri() if font else "", "family": FAMILY,
            "language": "en" if language.startswith("en") else "zh-Hans"})
        return HTML(string=html, url_fetcher=font_only_fetcher()).write_pdf()
