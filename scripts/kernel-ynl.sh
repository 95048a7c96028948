#!/usr/bin/env bash
# Extracts the kernel's YNL specs and Python CLI from Debian's linux-source-6.12 tarball:
# Documentation/netlink (specs and their JSON schemas) and tools/net/ynl. Prints the directory
# that holds them. Usage: scripts/kernel-ynl.sh [DIR]   (default: node_modules/.cache/kernel-ynl)
# Needs: apt-get install linux-source-6.12 python3-yaml python3-jsonschema
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-node_modules/.cache/kernel-ynl}"
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -1 || true)
if [ -z "$tarball" ]; then
  echo "kernel-ynl: no /usr/src/linux-source-6.12.tar.*: apt-get install linux-source-6.12" >&2
  exit 1
fi
top=$(basename "$tarball" | sed 's/\.tar\..*//')
if [ ! -f "$dir/$top/tools/net/ynl/cli.py" ]; then
  mkdir -p "$dir"
  tar -xf "$tarball" -C "$dir" --wildcards "$top/Documentation/netlink/*" "$top/tools/net/ynl/*"
fi
cd "$dir/$top" && pwd
