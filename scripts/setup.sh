#!/usr/bin/env bash
# Installs everything the project needs into ./.venv. `dev` adds test tools and Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-runtime}
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if [ "$want" = dev ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
  # Debian's chromium drives the browser tests; a CJK font lets it draw Chinese in screenshots.
  if ! command -v chromium >/dev/null 2>&1 || [ ! -d /usr/share/fonts/truetype/wqy ]; then
    echo "setup: installing Debian's chromium and fonts-wqy-microhei for the browser tests" >&2
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  fi
else
  .venv/bin/pip install --quiet --disable-pip-version-check -e .
fi
# The translations (.po) are compiled to .mo on every run; compilemessages needs GNU gettext's msgfmt.
if ! command -v msgfmt >/dev/null 2>&1; then
  echo "setup: installing Debian's gettext (msgfmt) to compile the translations" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq gettext >/dev/null
fi
# From the project root, skipping the venv: only the project's own locale directories are compiled.
.venv/bin/jingzhun compilemessages --ignore=.venv --verbosity 0
