#!/usr/bin/env bash
# README command two: install, lint, run every test (SQLite, or PostgreSQL when DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
# Browser tests must never skip silently: they fail if chromium is missing.
export JINGZHUN_REQUIRE_BROWSER=1
exec .venv/bin/pytest "$@"
