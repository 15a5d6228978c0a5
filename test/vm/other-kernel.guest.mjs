// Runs INSIDE the VM of ../shared/vm (a stock kernel with kprobes, BPF trampolines and the BPF
// LSM): loads objects compiled on the host with tsbpf's runtime (built dist: the guest runs plain
// node, no TypeScript), which relocates their CO-RE accesses against this kernel's BTF; attaches
// them, triggers them, and prints one `TSBPF-VM-CASE <json>` line per case with what it expected
// and what the programs reported. The host (test/other-kernel.test.ts) asserts on those lines;
// scripts/core-on-vm.sh shows the `ok`/`FAIL` summary lines. Also copies this kernel's BTF into
// <dir> so that the host can check the relocated offsets with bpftool.
//
//   node test/vm/other-kernel.guest.mjs <dir with the objects of test/vm/guest-objects.mjs>
//
// (test/other-kernel.test.ts runs it bundled with the runtime into one file: test/vm/bundle-guest.mjs.)
// The harness (runCase and its helpers) is test/vm/harness.mjs. Newer cases live in modules of
// test/vm/cases/, one a topic, each exporting its cases as { name, object, body, options }: a new
// topic is a module there, its objects in guest-objects.mjs and its assertions in the host test.
//
// Two kprobe.multi cases load the runtime's counting test program (built without the compiler);
// a third loads the DSL's @kprobeMulti/@kretprobeMulti fixture (test/fixtures/kprobe-multi.bpf.ts).
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync, unlinkSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { release } from "node:os";
import { tracePipe } from "../../packages/runtime/dist/index.js";
import { comm, dir, failures, firstEvent, kallsymsAddress, runCase, scratch, WAIT_MS } from "./harness.mjs";
import { attachTargetCases } from "./cases/attach-targets.mjs";
import { syscallTracerCases } from "./cases/syscall-tracer.mjs";
import { skbOutputCases } from "./cases/skb-output.mjs";
import { skStorageIterCases } from "./cases/sk-storage-iter.mjs";
import { userRingBufCases } from "./cases/user-ringbuf.mjs";
import { progTypeCases } from "./cases/progtypes.mjs";
// (programs.js, not the testing index: every module costs ~0.1 s to load under TCG)
import { counterObject } from "../../packages/runtime/dist/testing/programs.js";

/** Unlinks a new file, then a missing one (two calls of do_unlinkat); returns their paths. */
function unlinkTwo() {
  const present = `${scratch}-present`;
  const missing = `${scratch}-missing`;
  writeFileSync(present, "");
  unlinkSync(present);
  try {
    unlinkSync(missing);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  return [present, missing];
}

/** Checks the events of unlinkTwo() (name, pid, do_unlinkat's result). */
async function unlinkChecks(object) {
  const [present, missing] = unlinkTwo();
  const checks = [];
  for (const [path, ret] of [[present, 0n], [missing, -2n]]) {
    const event = await firstEvent(object, (e) => e.name === path);
    checks.push({ what: `unlink ${path}`, expected: { pid: process.pid, ret, name: path }, actual: event ?? null });
  }
  return checks;
}

/**
 * Runs `sh -c '/bin/true & echo $!; wait'`: two execs, sh's (parent: this process, comm before
 * exec: ours) and /bin/true's (parent: sh, comm: sh); checks every field of both events.
 */
async function execChecks(object) {
  const child = spawnSync("/bin/sh", ["-c", "/bin/true & echo $!; wait"], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`sh failed: ${child.stderr}`);
  const grandchild = Number(child.stdout.trim());
  const uid = process.getuid();
  const checks = [];
  for (const expected of [
    { pid: child.pid, ppid: process.pid, uid, comm, filename: "/bin/sh" },
    { pid: grandchild, ppid: child.pid, uid, comm: "sh", filename: "/bin/true" },
  ]) {
    const event = await firstEvent(object, (e) => e.pid === expected.pid);
    checks.push({ what: `exec of ${expected.filename}`, expected, actual: event ?? null });
  }
  return checks;
}

/** open(2) with the LSM program armed (EACCES), fmod_ret armed (EPERM), neither (opens). */
async function denyChecks(object) {
  const file = `${scratch}-open`;
  writeFileSync(file, "");
  const armed = object.map("armed");
  const tryOpen = () => {
    try {
      closeSync(openSync(file, "r"));
      return "opened";
    } catch (error) {
      return error.code;
    }
  };
  const outcome = (slot) => {
    armed.set(slot, process.pid);
    try {
      return tryOpen();
    } finally {
      armed.set(slot, 0);
    }
  };
  const lsm = outcome(0);
  const fmodRet = outcome(1);
  const disarmed = tryOpen();
  unlinkSync(file);
  const denied = object.map("denied");
  return [
    { what: "open with lsm/file_open armed", expected: "EACCES", actual: lsm },
    { what: "open with fmod_ret/security_file_open armed", expected: "EPERM", actual: fmodRet },
    { what: "open with neither armed", expected: "opened", actual: disarmed },
    { what: "refusals counted by the programs", expected: [1n, 1n], actual: [denied.get(0), denied.get(1)] },
  ];
}

/**
 * For a counting program (the runtime's test helper, built without the compiler) on do_unlinkat
 * through a kprobe.multi or kretprobe.multi link with a cookie: the calls of unlinkTwo() counted
 * (nothing else unlinks in the guest) and the cookie seen.
 */
async function multiChecks(object) {
  const before = object.variable("hits");
  unlinkTwo();
  return [
    { what: "do_unlinkat calls counted", expected: 2n, actual: object.variable("hits") - before },
    { what: "bpf_get_attach_cookie()", expected: 0x7e57n, actual: object.variable("cookie") },
  ];
}
const multi = { needs: "CONFIG_FPROBE", attach: (object) => object.adopt(object.programs.get("count").attach({ cookies: [0x7e57n] })) };

/**
 * The DSL's OpenMulti (@kprobeMulti("do_sys_opena?2") with a cookie, @kretprobeMulti("do_sys_openat2")):
 * three opens of /dev/null are counted on entry and on return (at least: the guest's other tasks
 * may open files too), the entry saw do_sys_openat2's address (bpf_get_func_ip, against kallsyms)
 * and the cookie given at attach.
 */
async function dslMultiChecks(object) {
  const seen = object.map("seen");
  const [entries, returns] = [seen.get(0), seen.get(1)];
  for (let i = 0; i < 3; i++) closeSync(openSync("/dev/null", "r"));
  return [
    { what: "entries counted (>= 3 opens)", expected: true, actual: seen.get(0) - entries >= 3n },
    { what: "returns counted (>= 3 opens)", expected: true, actual: seen.get(1) - returns >= 3n },
    { what: "bpf_get_func_ip() is do_sys_openat2 (kallsyms)", expected: kallsymsAddress("do_sys_openat2"), actual: seen.get(2) },
    { what: "bpf_get_attach_cookie()", expected: 0x7e57n, actual: seen.get(3) },
  ];
}
const dslMulti = {
  needs: "CONFIG_FPROBE",
  attach: (object) => {
    object.adopt(object.programs.get("enter").attach({ cookies: [0x7e57n] }));
    object.adopt(object.programs.get("exit").attach());
  },
};

/**
 * The bpf_printk lines `match` accepts, printed while `act` runs (a private tracefs instance), once
 * `count` of them came or WAIT_MS passed.
 */
async function printkDuring(act, match, count) {
  const stop = new AbortController();
  const lines = [];
  const reading = (async () => {
    try {
      for await (const line of tracePipe({ signal: stop.signal })) if (match(line)) lines.push(line.message);
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 2000)); // the instance opened (emulated: slow)
  await act();
  const deadline = Date.now() + WAIT_MS;
  while (lines.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  stop.abort();
  await reading;
  return lines;
}

/** 002's kprobe-link and fentry-link: their printk lines for unlinkTwo(), in order. */
function unlinkPrintkChecks(expected) {
  return async () => {
    let paths;
    const lines = await printkDuring(() => (paths = unlinkTwo()), (l) => l.pid === process.pid, 4);
    return [{ what: "printk lines of two unlinks", expected: expected(process.pid, ...paths), actual: lines }];
  };
}
const kprobeLinkLines = (pid, present, missing) => [
  `KPROBE ENTRY pid = ${pid}, filename = ${present}`, `KPROBE EXIT: pid = ${pid}, ret = 0`,
  `KPROBE ENTRY pid = ${pid}, filename = ${missing}`, `KPROBE EXIT: pid = ${pid}, ret = -2`,
];
const fentryLinkLines = (pid, present, missing) => [
  `fentry: pid = ${pid}, filename = ${present}`, `fexit: pid = ${pid}, filename = ${present}, ret = 0`,
  `fentry: pid = ${pid}, filename = ${missing}`, `fexit: pid = ${pid}, filename = ${missing}, ret = -2`,
];

/** 004's tcp_v4_connect kprobe pair: a connect to a listener on lo prints its port. */
async function tcpConnectChecks() {
  const server = createServer((socket) => socket.destroy());
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  const lines = await printkDuring(
    () => new Promise((resolve, reject) => {
      const client = createConnection({ port, host: "127.0.0.1" }, () => { client.destroy(); resolve(); });
      client.on("error", reject);
    }),
    (l) => l.message.startsWith("tcp_v4_connect:"),
    1,
  );
  server.close();
  return [{ what: "the connect's printk line", expected: [`tcp_v4_connect: dport ${port} ret 0`], actual: lines }];
}

/** 004's KFUNC_PROBE/KRETFUNC_PROBE on vfs_read: three reads of 4096 bytes counted (at least: the guest's other reads too). */
async function vfsReadChecks(object) {
  const stats = object.map("stats");
  const before = [0, 1, 2].map((i) => stats.get(i));
  const file = `${scratch}-read`;
  writeFileSync(file, "x".repeat(4096));
  const fd = openSync(file, "r");
  const buffer = Buffer.alloc(4096);
  const got = [0, 1, 2].map(() => readSync(fd, buffer, 0, 4096, 0));
  closeSync(fd);
  unlinkSync(file);
  const delta = [0, 1, 2].map((i) => stats.get(i) - before[i]);
  return [
    { what: "the three reads returned 4096 bytes each", expected: [4096, 4096, 4096], actual: got },
    { what: "vfs_read entries counted (>= 3)", expected: true, actual: delta[0] >= 3n },
    { what: "vfs_read returns counted (>= 3)", expected: true, actual: delta[1] >= 3n },
    { what: "bytes read counted (>= 3 × 4096)", expected: true, actual: delta[2] >= 3n * 4096n },
  ];
}

console.log(`guest: runtime imported ${(performance.now() / 1000).toFixed(1)} s after node started`);
writeFileSync(`${dir}/vmlinux-${release()}.btf`, readFileSync("/sys/kernel/btf/vmlinux"));
await runCase("unlink fentry/fexit", "unlink-fentry.o", unlinkChecks);
await runCase("unlink kprobe/kretprobe", "unlink-kprobes.o", unlinkChecks);
await runCase("execsnoop", "execsnoop.o", execChecks);
await runCase("lsm + fmod_ret", "deny-open.o", denyChecks);
await runCase("kprobe.multi (glob)", counterObject("kprobe.multi/do_unlinka?", { cookie: true }), multiChecks, multi);
await runCase("kretprobe.multi", counterObject("kretprobe.multi/do_unlinkat", { cookie: true }), multiChecks, multi);
await runCase("@kprobeMulti/@kretprobeMulti (DSL)", "kprobe-multi.o", dslMultiChecks, dslMulti);
await runCase("002 kprobe-link (printk)", "kprobe-link.o", unlinkPrintkChecks(kprobeLinkLines));
await runCase("002 fentry-link (printk)", "fentry-link.o", unlinkPrintkChecks(fentryLinkLines));
await runCase("004 kprobe/kretprobe tcp_v4_connect", "bcc-tcp-connect.o", tcpConnectChecks);
await runCase("004 kfunc/kretfunc vfs_read", "bcc-vfs-read.o", vfsReadChecks);
// Cases kept in their own modules (test/vm/cases/), one module a topic.
for (const c of [...attachTargetCases, ...syscallTracerCases, ...skbOutputCases, ...skStorageIterCases, ...userRingBufCases, ...progTypeCases]) await runCase(c.name, c.object, c.body, c.options);
process.exit(failures() ? 1 : 0);
