#!/usr/bin/env bash
# Compile once, run on another kernel, by hand: builds examples/unlink.bpf.ts (fentry/fexit and
# kprobe/kretprobe classes), examples/execsnoop.bpf.ts and test/fixtures/deny-open.bpf.ts (LSM +
# fmod_ret) here, then boots the stock kernel of ../shared/vm (6.1; TSBPF_VM_SUITE=trixie: 6.12)
# and runs test/vm/other-kernel.guest.mjs there: tsbpf's runtime relocates the objects against that
# kernel's BTF, attaches them, triggers them and prints `ok`/`FAIL` per case (plus the JSON lines
# test/other-kernel.test.ts parses). Exit status: the guest's (0: every case passed).
#   usage: scripts/core-on-vm.sh            (one VM boot, ~1 min under TCG)
set -euo pipefail
cd "$(dirname "$0")/.."
VM=${TSBPF_VM_RUNNER:-../shared/vm/run-in-vm.sh}
[[ -x $VM ]] || { echo "core-on-vm: no VM runner at $VM" >&2; exit 2; }
out=$(mktemp -d /tmp/tsbpf-core-vm.XXXXXX)
trap 'rm -rf "$out"' EXIT
npm run build >/dev/null
tsbpf() { node packages/tsbpf/dist/cli.js "$@" >/dev/null; }
tsbpf build examples/unlink.bpf.ts --class UnlinkSnoop -o "$out/unlink-fentry.o"
tsbpf build examples/unlink.bpf.ts --class UnlinkKprobes -o "$out/unlink-kprobes.o"
tsbpf build examples/execsnoop.bpf.ts -o "$out/execsnoop.o"
tsbpf build test/fixtures/deny-open.bpf.ts -o "$out/deny-open.o"
# The guest sees this machine's root read-only; -w makes $out writable there (it leaves its BTF).
"$VM" -t 300 -w "$out" node test/vm/other-kernel.guest.mjs "$out" | grep -v '^TSBPF-VM-CASE '
