"""Shared by the analytics tests."""

import pytest


@pytest.fixture(autouse=True)
def own_snapshot(settings, tmp_path):
    """The registry's Parquet snapshot under this test's own VAR_DIR: a test reading figures (dashboards,
    reports, the yearly_report command) builds the snapshot of its own database there, never one in a
    VAR_DIR shared with other test processes or with the developer's running demo."""
    settings.VAR_DIR = tmp_path
