#!/usr/bin/env bash
# Build check of examples/kernel-module against Debian's kernel headers (the module cannot be
# loaded on machines booted with module loading disabled, but it must compile).
set -euo pipefail
cd "$(dirname "$0")/../examples/kernel-module"
kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$kdir" ]; then
  echo "kernel headers not found: apt-get install linux-headers-amd64" >&2
  exit 1
fi
out=$(mktemp -d)
cp nlwire_echo.c Kbuild "$out"/
make -s -C "$kdir" M="$out" modules
test -f "$out/nlwire_echo.ko"
echo "built $(basename "$out")/nlwire_echo.ko against $(basename "$kdir")"
rm -rf "$out"
