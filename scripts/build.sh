#!/usr/bin/env bash
# Builds shouhou: build/ (the normal development build, -Werror) and, with --asan, also
# build-asan/ (AddressSanitizer + UndefinedBehaviorSanitizer, non-recovering).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build --buildtype=debugoptimized >/dev/null
ninja -C build >/dev/null
if [ "${1:-}" = "--asan" ]; then
  [ -f build-asan/build.ninja ] || meson setup build-asan --buildtype=debug \
      -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
  ninja -C build-asan >/dev/null
fi
