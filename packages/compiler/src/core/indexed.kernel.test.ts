// Kernel arrays at variable indexes through a plain pointer (bpf.getCurrentTask() in a syscall
// program is a number to the verifier: every read is a relocated bpf_probe_read_kernel). The
// probe's kernel types are minimal and laid out unlike the kernel's (rlimit's members swapped),
// so only relocation reads the right bytes. The values are checked against what the test
// thread knows of itself (/proc/thread-self); test/kernel-arrays.test.ts covers BTF-typed
// pointers and a tracepoint's record.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { bpftoolLoadAll, describeKernel } from "../testing/kernel.js";
import { compiledProbe } from "../testing/probes.js";

const SOURCE = `
import { Probe, syscall, bpf, u32, zero, type i32, type u8, type u64, type FixedArray, type Ptr } from "tsbpf";

/** @kernel */
interface rlimit { rlim_max: u64; rlim_cur: u64; }
/** @kernel */
interface signal_struct { rlim: FixedArray<rlimit, 16>; pids: FixedArray<Ptr<pid>, 4>; }
/** @kernel */
interface upid { nr: i32; }
/** @kernel (numbers is a flexible array: level + 1 entries) */
interface pid { level: u32; numbers: FixedArray<upid, 0>; }
/** @kernel */
interface task_struct { pid: i32; comm: FixedArray<u8, 16>; signal: Ptr<signal_struct>; thread_pid: Ptr<pid>; group_leader: Ptr<task_struct>; }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }

interface Out { comm: FixedArray<u8, 20>; soft: FixedArray<u64, 16>; sum: u32; level: u32; same: u32; nsPid: i32; rootPid: i32; softFor: FixedArray<u64, 16>; loopXor: u64; }
interface Io { start: i32; kind: u32; out: Out; }

export class Arrays extends Probe {
  @syscall
  run(ctx: Io): i32 {
    const task = bpf.getCurrentTask();
    const out: Out = zero();
    for (let k = 0; k < 20; k++) out.comm[k] = task.comm[ctx.start + k];
    for (let k = 0; k < 16; k++) out.soft[k] = task.signal.rlim[k].rlim_cur;
    for (const c of task.comm) out.sum += u32(c);
    // for…of over an array of kernel structs: each element's members, relocated.
    let slot: u32 = 0;
    for (const limit of task.signal.rlim) {
      out.softFor[slot] = limit.rlim_cur;
      slot += 1;
      // A callback capturing the element reads it the same way.
      let seen: u64 = 0n;
      bpf.loop(1, (i) => {
        seen = limit.rlim_cur;
      });
      out.loopXor ^= seen;
    }
    // An element that is a pointer (signal.pids[PIDTYPE_*]): read, compared, then followed.
    const group = task.signal.pids[ctx.kind];
    out.level = group ? group.level : 0xffffffff;
    out.same = group === task.group_leader.thread_pid ? 1 : 0;
    // A flexible array: the thread's pid in its own namespace (at its level), and in the root one.
    const own = task.thread_pid;
    out.nsPid = own.numbers[own.level].nr;
    out.rootPid = own.numbers[0].nr;
    ctx.out = out;
    return 0;
  }
}
`;

const compile = () => compiledProbe(SOURCE);

it("relocates the path up to the array (no index in the access string) and a struct element's size and member", () => {
  const probe = compile();
  const program = probe.spec.programs[0]!;
  const id = (name: string) => probe.spec.btf.types.findIndex((t) => t.kind === "struct" && t.name === name) + 1;
  const records = program.coreRelocations.map((r) => [r.typeId, r.accessString, r.kind]);
  const [task, rlimit] = [id("task_struct"), id("rlimit")];
  expect(task).toBeGreaterThan(0);
  expect(rlimit).toBeGreaterThan(0);
  // The BTF holds only the members read, so that comm is task_struct's member 0 here, signal 1.
  // comm's FIELD_BYTE_OFFSET (no index), signal, rlim, rlimit's size (TYPE_SIZE) and rlim_cur
  // inside the element; comm again for the for…of, and signal, rlim, rlimit's size and rlim_cur
  // for the for…of over rlim; signal, pids (no index), pid.level through
  // the element; group_leader, thread_pid; thread_pid, level, the flexible array numbers (no
  // index), upid's size, nr inside the element; numbers[0].nr at a constant index ("0:1:0:0");
  // rlim_cur in the bpf.loop callback (a subprogram, placed last).
  const [signal, pid, upid] = [id("signal_struct"), id("pid"), id("upid")];
  expect(records).toEqual([
    [task, "0:0", 0], [task, "0:1", 0], [signal, "0:0", 0], [rlimit, "0", 9], [rlimit, "0:0", 0], [task, "0:0", 0],
    [task, "0:1", 0], [signal, "0:0", 0], [rlimit, "0", 9], [rlimit, "0:0", 0],
    [task, "0:1", 0], [signal, "0:1", 0], [pid, "0:0", 0], [task, "0:3", 0], [task, "0:2", 0],
    [task, "0:2", 0], [pid, "0:0", 0], [pid, "0:1", 0], [upid, "0", 9], [upid, "0:0", 0], [pid, "0:1:0:0", 0],
    [rlimit, "0:0", 0],
  ]);
  // Each relocated instruction holds the local value: comm at 4, signal at 24, rlim at 0, a 16-byte
  // rlimit, rlim_cur at 8, pids at 256, level at 0, group_leader at 40, thread_pid at 32, numbers
  // at 4, a 4-byte upid, nr at 0.
  expect(program.coreRelocations.map((r) => program.instructions[r.instruction]!.imm)).toEqual([4, 24, 0, 16, 8, 4, 24, 0, 16, 8, 24, 256, 0, 40, 32, 32, 0, 4, 4, 0, 4, 8]);
});

describeKernel("variable indexes into kernel arrays through bpf_probe_read_kernel", () => {
  it("reads task.comm[i] (in and out of range), rlim[i].rlim_cur and comm in a for…of", async () => {
    const probe = compile();
    const { loadObject } = await import("@tsbpf/runtime");
    await using object = await loadObject(probe.spec);
    const run = (start: number, kind = 0) => {
      const ctx = new Uint8Array(320);
      new DataView(ctx.buffer).setInt32(0, start, true);
      new DataView(ctx.buffer).setUint32(4, kind, true);
      const out = object.programs.get("run")!.testRun({ ctx }).ctxOut as Uint8Array;
      return out;
    };
    const comm = [...Buffer.from(readFileSync("/proc/thread-self/comm", "latin1").replace(/\n$/, "").padEnd(16, "\0"), "latin1")];
    // Out (at 8): comm[20] at 0, soft[16] at 24, sum at 152.
    const at = 8;
    for (const start of [0, -3, 2, 16, -20]) {
      const out = run(start);
      const expected = Array.from({ length: 20 }, (_, k) => comm[start + k] ?? 0);
      expect([start, [...out.subarray(at, at + 20)]]).toEqual([start, expected]);
    }
    const out = run(0);
    const view = new DataView(out.buffer, out.byteOffset);
    const soft = readFileSync("/proc/thread-self/limits", "utf8").split("\n").slice(1).filter((l) => l.trim())
      .map((line) => line.slice(26).trim().split(/\s+/)[0]!).map((s) => (s === "unlimited" ? (1n << 64n) - 1n : BigInt(s)));
    expect(Array.from({ length: 16 }, (_, k) => view.getBigUint64(at + 24 + 8 * k, true))).toEqual(soft);
    expect(Array.from({ length: 16 }, (_, k) => view.getBigUint64(at + 176 + 8 * k, true))).toEqual(soft);
    expect(view.getBigUint64(at + 304, true)).toBe(soft.reduce((a, b) => a ^ b, 0n));
    expect(view.getUint32(at + 152, true)).toBe(comm.reduce((a, b) => a + b, 0));
    // signal.pids[kind]: PIDTYPE_TGID (1) is the thread group leader's pid; PGID (2) and SID (3)
    // are it when this process leads its group or session (/proc/self/stat); their level is the
    // pid namespace's depth (the entries of NSpid, less one). Indexes past PIDTYPE_MAX read null.
    const stat = readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /s, "").split(" ");
    const [pgid, sid] = [Number(stat[2]), Number(stat[3])];
    const level = /^NSpid:\s+(.*)$/m.exec(readFileSync("/proc/self/status", "utf8"))![1]!.trim().split(/\s+/).length - 1;
    const pids = (kind: number) => {
      const view = new DataView(run(0, kind).buffer);
      return { level: view.getUint32(at + 156, true), same: view.getUint32(at + 160, true) };
    };
    expect(pids(1)).toEqual({ level, same: 1 });
    expect(pids(2)).toEqual({ level, same: pgid === process.pid ? 1 : 0 });
    expect(pids(3)).toEqual({ level, same: sid === process.pid ? 1 : 0 });
    expect([pids(4), pids(1000)]).toEqual([{ level: 0xffffffff, same: 0 }, { level: 0xffffffff, same: 0 }]);
    // pid.numbers[level].nr and numbers[0].nr: the last and first entries of this thread's NSpid.
    const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync("/proc/thread-self/status", "utf8"))![1]!.trim().split(/\s+/).map(Number);
    const ids = new DataView(run(0).buffer);
    expect([ids.getInt32(at + 164, true), ids.getInt32(at + 168, true)]).toEqual([nspid[nspid.length - 1], nspid[0]]);
  });

  it("is relocated and loaded by libbpf (bpftool prog loadall)", () => {
    const loaded = bpftoolLoadAll(compile().elf);
    expect(loaded.stderr).not.toMatch(/error|failed/i);
    expect(loaded.status).toBe(0);
    expect(loaded.programs).toContain("run");
  }, 60_000);
}, { bpftool: true });
