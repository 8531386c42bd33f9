"""The yearly account as a PDF (WeasyPrint) from an HTML template: A4, the area and year atop every page,
page numbers below, Chinese set in the WenQuanYi Micro Hei font embedded from its installed file, a bar
chart of the funds by source drawn as inline SVG. Nothing is fetched but that font file: no network."""

import functools
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from . import report_xlsx
from .report_queries import Account, Money

FAMILY = "WenQuanYi Micro Hei"
DEBIAN_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
CHART_WIDTH, BAR_LEFT, BAR_MAX, BAR_HEIGHT = 520, 170, 230, 22


@functools.cache
def cjk_font() -> Path | None:
    """The font file fontconfig knows for WenQuanYi Micro Hei, else Debian's path, else None (the PDF then
    falls back on whatever fontconfig offers, which may lack Chinese)."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            found = subprocess.run([fc_list, f":family={FAMILY}", "file"], capture_output=True, text=True,
                                   timeout=20, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            found = ""
        for line in sorted(found.splitlines()):
            path = Path(line.strip().rstrip(":"))
            if path.is_file():
                return path
    return DEBIAN_FONT if DEBIAN_FONT.is_file() else None


@dataclass(frozen=True)
class Bar:
    label: str
    amount: Decimal
    y: int
    width: float

    @property
    def text(self) -> str:
        return f"{self.amount:,.2f}"

    @property
    def text_x(self) -> float:
        return BAR_LEFT + self.width + 6

    @property
    def label_y(self) -> int:
        return self.y + 15


def bars(lines: tuple[Money, ...]) -> list[Bar]:
    """The funds received in the year by source, as bars scaled to the largest."""
    largest = max((line.received for line in lines), default=Decimal(0))
    if largest <= 0:
        return []
    return [Bar(str(line.label), line.received, 4 + n * (BAR_HEIGHT + 6),
                round(float(line.received / largest) * BAR_MAX, 1))
            for n, line in enumerate(line for line in lines if line.received > 0)]


def context(account: Account) -> dict:
    """What the page and the PDF show; call it with the reader's language active."""
    chart = bars(account.sources)
    return {
        "account": account, "title": report_xlsx.TITLE, "summary": report_xlsx.summary_items(account),
        "mutual": report_xlsx.mutual_items(account), "money_columns": report_xlsx.MONEY_COLUMNS,
        "project_header": report_xlsx.PROJECT_HEADER, "village_header": report_xlsx.VILLAGE_HEADER,
        "bars": chart, "chart": {"width": CHART_WIDTH, "height": 8 + len(chart) * (BAR_HEIGHT + 6),
                                 "left": BAR_LEFT, "bar_height": BAR_HEIGHT},
    }


def font_only_fetcher():
    """WeasyPrint's fetcher, refusing every URL but the font file's."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontOnly(URLFetcher):
        def fetch(self, url, headers=None):
            font = cjk_font()
            if font is None or url != font.as_uri():
                raise ValueError(f"The account's PDF reads no file but its font: {url}")
            return URLFetcherResponse(url, font.read_bytes(), {"Content-Type": "font/collection"})

    return FontOnly()


def pdf_bytes(account: Account, language: str) -> bytes:
    # Imported here: WeasyPrint loads Pango on import, which only the PDF needs.
    from weasyprint import HTML

    font = cjk_font()
    with translation.override(language):
        html = render_to_string("funds/report_pdf.html", {
            **context(account), "font_url": font.as_uri() if font else "", "family": FAMILY,
            "language": "en" if language.startswith("en") else "zh-Hans"})
        return HTML(string=html, url_fetcher=font_only_fetcher()).write_pdf()
