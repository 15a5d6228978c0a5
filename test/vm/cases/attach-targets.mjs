// Targets chosen at attach() and system call probes, in the guest (issue 12): test/fixtures/
// attach-targets.bpf.ts's SyscallProbes, compiled on the host (attach-targets.o). `@ksyscall("openat")`
// and `@kretsyscall("openat")` attach where the section says (the runtime finds __x64_sys_openat in
// kallsyms); the bare `@kprobe()` and `@kretprobe()` get their function at attach()
// (do_sys_openat2, which every open(2)/openat(2) goes through on 5.6+). This process opens
// /dev/null twice, then creates a file with chosen flags and mode; every program filters on this
// process, so each counts exactly those three calls, and the last call's arguments (the path read
// from user memory) and returned fd are what this process passed and got back.
import { closeSync, constants, openSync, unlinkSync } from "node:fs";
import { scratch } from "../harness.mjs";

/**
 * O_CLOEXEC on x86-64 (Node's fs.constants leaves it out): libuv adds it to every open, so the
 * system call sees it though the caller did not ask for it.
 */
const O_CLOEXEC = 0o2000000;
const AT_FDCWD = -100n;
const MODE = 0o640;

/** The record of `key` in the `seen` map, with its call count relative to `before`. */
function delta(seen, key, before) {
  const record = seen.get(key);
  return record ? { ...record, calls: record.calls - (before[key]?.calls ?? 0n) } : null;
}

async function openatChecks(object) {
  const seen = object.map("seen");
  const before = [0, 1, 2, 3].map((key) => seen.get(key));
  for (let i = 0; i < 2; i++) closeSync(openSync("/dev/null", "r"));
  const path = `${scratch}-openat`;
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;
  const fd = openSync(path, flags, MODE);
  closeSync(fd);
  unlinkSync(path);
  const [args, result, entry, exit] = [0, 1, 2, 3].map((key) => delta(seen, key, before));
  return [
    {
      what: "@ksyscall(\"openat\"): 3 calls; the last one's dfd, path, flags and mode",
      expected: { calls: 3n, dfd: AT_FDCWD, path, flags: BigInt(flags | O_CLOEXEC), mode: BigInt(MODE) },
      actual: args && { calls: args.calls, dfd: args.dfd, path: args.path, flags: args.flags, mode: args.mode },
    },
    { what: "@kretsyscall(\"openat\"): 3 returns; the last one is the fd open() returned", expected: { calls: 3n, ret: BigInt(fd) }, actual: result && { calls: result.calls, ret: result.ret } },
    {
      what: "@kprobe() attached to do_sys_openat2: 3 calls; the last one's dfd (PT_REGS_PARM1) and path (PT_REGS_PARM2)",
      expected: { calls: 3n, dfd: AT_FDCWD, path },
      actual: entry && { calls: entry.calls, dfd: entry.dfd, path: entry.path },
    },
    { what: "@kretprobe() attached to do_sys_openat2: 3 returns; the last one is the fd (PT_REGS_RC)", expected: { calls: 3n, ret: BigInt(fd) }, actual: exit && { calls: exit.calls, ret: exit.ret } },
  ];
}

/** The cases, in the order the guest runs them. */
export const attachTargetCases = [
  {
    name: "@ksyscall/@kretsyscall openat, @kprobe()/@kretprobe() at attach()",
    object: "attach-targets.o",
    body: openatChecks,
    options: {
      config: { targetPid: process.pid },
      attach: (object) => {
        object.attach(); // the ksyscall pair: their sections name the system call
        object.adopt(object.programs.get("anyEntry").attach({ function: "do_sys_openat2" }));
        object.adopt(object.programs.get("anyReturn").attach({ function: "do_sys_openat2" }));
      },
    },
  },
];
