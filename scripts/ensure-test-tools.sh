#!/usr/bin/env bash
# Installs and mounts what the kernel tests use, on a fresh machine too: bpftool (interop: objects
# tsbpf writes must load with libbpf), clang (fixtures: the runtime must load clang-built
# objects), iproute2 (network namespaces for XDP/tc tests) and a C compiler (uprobe targets), tracefs and bpffs. Nothing here runs at tsbpf's own run time.
set -euo pipefail

need=()
command -v bpftool >/dev/null 2>&1 || need+=(bpftool)
command -v clang >/dev/null 2>&1 || need+=(clang)
command -v ip >/dev/null 2>&1 || need+=(iproute2)     # test network namespaces and veth pairs
command -v cc >/dev/null 2>&1 || need+=(gcc)          # the uprobe/USDT test target
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-test-tools: installing ${need[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "ensure-test-tools: missing ${need[*]} and cannot install them (not root or no apt-get);" \
         "tests that need them will skip, or fail when TSBPF_REQUIRE_KERNEL=1" >&2
  fi
fi

if [ "$(id -u)" = 0 ]; then
  if [ -d /sys/kernel/tracing ] && [ ! -e /sys/kernel/tracing/trace_pipe ]; then
    mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
  fi
  if [ -d /sys/fs/bpf ] && ! grep -q ' /sys/fs/bpf bpf ' /proc/mounts; then
    mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
  fi
fi
