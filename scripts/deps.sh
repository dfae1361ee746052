#!/usr/bin/env bash
# Installs what building, running and testing shouhou need on Debian 12, then the npm
# packages. Safe to run again: it installs only what is missing. With --test it also installs
# what only the tests need: Debian's Chromium (browser tests), clang-14 with its libFuzzer
# runtime (fuzzing), valgrind (memcheck of the unit suite), the sqlite3 shell (integrity
# checks in the fault tests).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential meson ninja-build pkg-config python3
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev libcmocka-dev
  libxlsxwriter-dev libzip-dev libexpat1-dev libcairo2-dev libpango1.0-dev fonts-wqy-microhei
  poppler-utils python3-openpyxl libcurl4-gnutls-dev python3-aiosmtpd python3-icalendar
  postgresql postgresql-contrib postgresql-client
  clang-format wrk curl ca-certificates
)
[ "${1:-}" = "--test" ] && packages+=(chromium clang-14 libclang-rt-14-dev valgrind sqlite3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The image has Node.js 20 and npm; Debian's npm conflicts with it, so only where node is missing.
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages and not root; install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: the web UI's build (Vite, Vue, Element Plus, ECharts), reference data (regions)
# and test tools, pinned by package-lock.json.
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || ! cmp -s <(tail -n +2 package-lock.json) <(tail -n +2 "$stamp" 2>/dev/null); then
  npm ci --no-audit --no-fund --loglevel=error
fi
