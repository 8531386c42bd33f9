"""Programs from Debian that tests read files back with (LibreOffice, poppler-utils, fontconfig)."""

import os
import shutil

import pytest


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
