// Char arrays as strings and as bytes, and array literals for FixedArray members, in a tp_btf
// program on a fork this test causes: the child's comm copied out of the kernel's task_struct
// (`bpf.probeReadKernelStr(info.comm, child.comm)`), its bytes read as numbers (`u8(s[i])`),
// tested for empty (`!s[0]`) and compared with string literals (the test's own comm, built into
// the source, a prefix, a longer string, a one-character literal), each checked against what the
// test knows: /proc/self/comm and the pids of the fork.
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import type { HashMapHandle } from "@tsbpf/runtime";
import { describeKernel } from "../testing/kernel.js";
import { compiledProbe } from "../testing/probes.js";

const comm = readFileSync("/proc/self/comm", "utf8").trim();

const source = (name: string) => `
import { Probe, HashMap, config, tp_btf, bpf, u8, u32, type i32, type Ptr, type CharArray, type FixedArray } from "tsbpf";

/** @kernel */
interface task_struct { pid: i32; tgid: i32; comm: CharArray<16> }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }

interface Info {
  comm: CharArray<16>;
  pids: FixedArray<u32, 3>;
  first: u32;
  lower: u32;
  flags: FixedArray<u8, 6>;
}

export class Chars extends Probe {
  @config targetTgid: u32 = 0;
  infos = new HashMap<u32, Info>({ maxEntries: 16 });

  @tp_btf("sched_process_fork")
  onFork(parent: Ptr<task_struct>, child: Ptr<task_struct>): i32 {
    if (u32(parent.tgid) !== this.targetTgid) return 0;
    const info: Info = { comm: "", pids: [u32(parent.tgid), u32(child.pid), 7], first: 0, lower: 0, flags: [] };
    const blank: CharArray<16> = "";
    info.flags[0] = !blank[0] ? 1 : 0;
    bpf.probeReadKernelStr(info.comm, child.comm);
    info.flags[1] = !info.comm[0] ? 1 : 0;
    info.first = u8(info.comm[0]);
    for (let i = 0; i < 16; i++) {
      const c = u8(info.comm[i]);
      if (c >= u8("a") && c <= u8("z")) info.lower++;
    }
    info.flags[2] = info.comm === ${JSON.stringify(name)} ? 1 : 0;
    info.flags[3] = info.comm === ${JSON.stringify(name.slice(0, -1))} ? 1 : 0;
    if (info.comm !== ${JSON.stringify(name + "x")}) info.flags[4] = 1;
    info.flags[5] = info.comm[0] === ${JSON.stringify(name[0])} ? 1 : 0;
    this.infos.update(u32(child.pid), info);
    return 0;
  }
}
`;

describeKernel("char arrays and array literals", () => {
  it("copies, reads, tests and compares the comm of a forked child as the test knows it", async () => {
    expect(comm.length).toBeGreaterThan(1);
    const probe = compiledProbe(source(comm));
    const { loadObject } = await import("@tsbpf/runtime");
    await using object = await loadObject(probe.spec, { config: { targetTgid: process.pid } });
    object.attach();
    const child = spawnSync("/bin/true");
    expect(child.status).toBe(0);
    const infos = object.map("infos") as HashMapHandle<number, { comm: string; pids: number[]; first: number; lower: number; flags: number[] }>;
    const info = infos.get(child.pid);
    expect(info).toEqual({
      comm,
      pids: [process.pid, child.pid, 7],
      first: comm.charCodeAt(0),
      lower: [...comm].filter((c) => c >= "a" && c <= "z").length,
      flags: [1, 0, 1, 0, 1, 1],
    });
  });
});
