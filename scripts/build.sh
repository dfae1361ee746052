#!/usr/bin/env bash
# Builds shouhou: build/ (the normal development build, -Werror) and, with --asan, also
# build-asan/ (AddressSanitizer + UndefinedBehaviorSanitizer, non-recovering); then the web UI
# (Vite → web/dist, pre-compressed). Quiet when it works; prints the whole log when it does not.
set -euo pipefail
cd "$(dirname "$0")/.."
build() { # dir, then meson options
  local dir=$1 log
  shift
  log=$(mktemp)
  if { [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@"; } >"$log" 2>&1 &&
     meson setup --reconfigure "$dir" >>"$log" 2>&1 && ninja -C "$dir" >>"$log" 2>&1; then
    rm -f "$log"
  else
    cat "$log" >&2
    rm -f "$log"
    echo "build: $dir failed" >&2
    exit 1
  fi
}
build build --buildtype=debugoptimized
if [ "${1:-}" = "--asan" ]; then
  build build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
fi

# The web UI: rebuilt when any file under web/ (or the npm lock) is newer than the last build.
web_stamp=web/dist/.built
if [ ! -f "$web_stamp" ] || [ -n "$(find web package-lock.json -newer "$web_stamp" -not -path 'web/dist/*' -print -quit)" ]; then
  log=$(mktemp)
  if npm run --silent web:build >"$log" 2>&1; then
    touch "$web_stamp"
    rm -f "$log"
  else
    cat "$log" >&2
    rm -f "$log"
    echo "build: web UI failed" >&2
    exit 1
  fi
fi
