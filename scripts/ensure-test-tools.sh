#!/usr/bin/env bash
# Installs and mounts what the kernel tests use, on a fresh machine too: bpftool (interop: objects
# tsbpf writes must load with libbpf), clang (fixtures: the runtime must load clang-built
# objects; libbpf-dev for their bpf_helpers.h), iproute2 (network namespaces for XDP/tc tests), a C
# compiler (uprobe targets), qemu and the stock Debian kernels the other-kernel tests boot (through
# ../shared/vm, unpacked into TSBPF_VM_CACHE), tracefs and bpffs. Nothing here runs at tsbpf's own
# run time.
set -euo pipefail

need=()
command -v bpftool >/dev/null 2>&1 || need+=(bpftool)
command -v clang >/dev/null 2>&1 || need+=(clang)
command -v ip >/dev/null 2>&1 || need+=(iproute2)     # test network namespaces and veth pairs
command -v cc >/dev/null 2>&1 || need+=(gcc)          # the uprobe/USDT test target
[ -f /usr/include/bpf/bpf_helpers.h ] || need+=(libbpf-dev)   # clang-built fixtures include it
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)   # test/other-kernel.test.ts
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

# The other-kernel tests boot Debian's 6.1 and 6.12 kernels under qemu: download and unpack them
# now (cached; ../shared may be read-only, so the cache lives outside it), so that the tests' own
# time limits cover only the boots. TSBPF_VM_TESTS=0 opts out.
vm=$(cd "$(dirname "$0")/.." && pwd)/../shared/vm
if [ "$(id -u)" = 0 ] && [ -x "$vm/setup-vm.sh" ] && [ "${TSBPF_VM_TESTS:-1}" != 0 ]; then
  export TSBPF_VM_CACHE=${TSBPF_VM_CACHE:-/var/tmp/tsbpf-vm}
  mkdir -p "$TSBPF_VM_CACHE"
  for suite in ${TSBPF_VM_SUITES:-bookworm trixie}; do
    [ "$suite" = bookworm ] && suite=
    TSBPF_VM_SUITE=$suite "$vm/setup-vm.sh" >/dev/null 2>"$TSBPF_VM_CACHE/setup${suite:+-$suite}.log" \
      || { echo "ensure-test-tools: preparing the VM kernel${suite:+ ($suite)} failed:" >&2; tail -n 20 "$TSBPF_VM_CACHE/setup${suite:+-$suite}.log" >&2; exit 1; }
  done
fi
