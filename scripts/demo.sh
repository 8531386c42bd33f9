#!/usr/bin/env bash
# README command one: install, build a synthetic Ningxia region, serve it on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh runtime
exec .venv/bin/jingzhun demo "$@"
