"""Programs from Debian that tests read files back with (LibreOffice, poppler-utils, fontconfig), and the
readings of a PDF the report tests share: its text, its fonts, its first page's pixels."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image


def tool(name: str) -> str:
    """The program's path; where it is missing, a failure under CI or test.sh (a file check must never
    skip silently there), a skip elsewhere."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (scripts/setup.sh dev installs LibreOffice and poppler-utils)"
        if os.environ.get("JINGZHUN_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def pdf_text(pdf: Path, page: int | None = None, *, layout: bool = True) -> str:
    """The PDF's text (pdftotext), of one page when `page` is given."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run([tool("pdftotext"), *pages, *(["-layout"] if layout else []), str(pdf), "-"],
                          check=True, capture_output=True, text=True, timeout=60).stdout


def pdf_fonts(pdf: Path) -> str:
    """pdffonts' table of the PDF's fonts (name, type, encoding, emb, …)."""
    return subprocess.run([tool("pdffonts"), str(pdf)], check=True, capture_output=True, text=True,
                          timeout=60).stdout


def first_page_pixels(pdf: Path, tmp_path: Path, dpi: int = 50) -> list[tuple[int, int, int]]:
    """The first page drawn by pdftoppm, as RGB pixels."""
    stem = tmp_path / f"{pdf.stem}-page"
    subprocess.run([tool("pdftoppm"), "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(stem)], check=True, capture_output=True, timeout=60)
    return list(Image.open(stem.with_suffix(".png")).convert("RGB").getdata())
