#!/usr/bin/env bash
# Compile once, run on another kernel, by hand: compiles the objects of test/vm/guest-objects.mjs
# here (unlink's fentry/fexit and kprobe classes, execsnoop, LSM + fmod_ret, kprobe.multi, the
# seeds' kernel-function examples, ksyscall and attach-time kprobe targets), bundles the guest
# script with the runtime (test/vm/bundle-guest.mjs), then boots the stock kernel of ../shared/vm
# (6.1; TSBPF_VM_SUITE=trixie: 6.12) and runs it there: tsbpf's runtime relocates the objects
# against that kernel's BTF, attaches them, triggers them and prints `ok`/`FAIL`/`skip` per case
# (the JSON lines test/other-kernel.test.ts parses are filtered out). Exit status: the guest's
# (0: every case passed or was skipped for a kernel option the kernel lacks).
#   usage: scripts/core-on-vm.sh            (one VM boot, ~1 min under TCG)
set -euo pipefail
cd "$(dirname "$0")/.."
VM=${TSBPF_VM_RUNNER:-../shared/vm/run-in-vm.sh}
[[ -x $VM ]] || { echo "core-on-vm: no VM runner at $VM" >&2; exit 2; }
out=$(mktemp -d /tmp/tsbpf-core-vm.XXXXXX)
trap 'rm -rf "$out"' EXIT
npm run build >/dev/null
node test/vm/compile-objects.mjs "$out"
node test/vm/bundle-guest.mjs "$out/guest.mjs"
# The guest sees this machine's root read-only; -w makes $out writable there (it leaves its BTF).
"$VM" -t 420 -w "$out" node "$out/guest.mjs" "$out" | grep -v '^TSBPF-VM-CASE '
