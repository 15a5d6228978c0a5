#!/usr/bin/env bash
# Installs what the comparison against ../shared/ref-c needs (bench/ref-c-compare.mjs), on a fresh
# machine too, and builds a copy of ref-c outside the repository (shared/ may be read-only, and its
# code is not ours to commit). Prints the built copy's folder on its last line.
#   clang-19 (Debian's; any newer clang-N already installed is used instead), libbpf-dev, libelf-dev,
#   zlib1g-dev, bpftool, gcc, make.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=${TSBPF_REF_C_SRC:-$root/../shared/ref-c}
out=${TSBPF_REF_C:-/var/tmp/tsbpf-ref-c}
[ -d "$src" ] || { echo "ensure-bench-tools: no ref-c at $src" >&2; exit 1; }

# The newest clang-N on the PATH; clang-19 from Debian when there is none of 19 or later.
newest_clang() { compgen -c clang- | grep -E '^clang-[0-9]+$' | sort -t- -k2 -n | tail -n1; }
need=()
clang=$(newest_clang || true)
if [ -z "$clang" ] || [ "${clang#clang-}" -lt 19 ]; then need+=(clang-19); fi
command -v bpftool >/dev/null 2>&1 || need+=(bpftool)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v make >/dev/null 2>&1 || need+=(make)
[ -f /usr/include/bpf/libbpf.h ] || need+=(libbpf-dev)
[ -f /usr/include/libelf.h ] || need+=(libelf-dev)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "ensure-bench-tools: installing ${need[*]} from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  clang=$(newest_clang)
fi

# Rebuild when the sources changed (or the clang did): a stamp of both.
stamp="$clang $(cat "$src"/Makefile "$src"/ref/*.c "$src"/tools/*.c "$src"/tools/*.h | sha256sum | cut -c1-16)"
if [ ! -f "$out/.stamp" ] || [ "$(cat "$out/.stamp")" != "$stamp" ]; then
  rm -rf "$out"
  mkdir -p "$out"
  cp -r "$src"/. "$out"/
  chmod -R u+w "$out"
  make -s -C "$out" CLANG="$clang" >&2
  echo "$stamp" > "$out/.stamp"
fi
echo "$out"
