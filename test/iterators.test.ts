// Iterators over BPF maps, BPF programs, tasks' open files and TCP sockets (test/fixtures/
// iterators.bpf.ts), each compared with an independent view of the same objects: bpftool's lists
// of maps and programs, /proc/<pid>/fd of a child the test starts, /proc/net/tcp and a listening
// socket the test opens. Other processes create and destroy maps and programs meanwhile, so the
// lists are compared with what bpftool shows both before and after the read (it existed
// throughout: the iterator must have seen it). Needs Linux 5.8 (bpf_map, task_file), 5.9 (tcp).
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createSocket } from "node:dgram";
import { createServer, type AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { KernelObjects } from "./fixtures/iterators.bpf.ts";
import { describeKernel, toolPath } from "./support/kernel.js";

const TCP_LISTEN = 10;

/** u32 words of each record of `size` bytes. */
async function words(link: { records(size: number): AsyncIterable<Uint8Array> }, size: number): Promise<number[][]> {
  const out: number[][] = [];
  for await (const r of link.records(size)) {
    const view = new DataView(r.buffer, r.byteOffset, size);
    out.push(Array.from({ length: size / 4 }, (_, i) => view.getUint32(i * 4, true)));
  }
  return out;
}

const bpftoolIds = (what: "map" | "prog") =>
  new Set((JSON.parse(execFileSync(toolPath("bpftool"), [what, "list", "-j"]).toString()) as { id: number }[]).map((e) => e.id));

describeKernel("iterators over kernel objects", () => {
  it("bpf_map and bpf_prog: every map and program bpftool lists before and after the read", async () => {
    await using probe = await load(KernelObjects);
    for (const [what, program] of [["map", probe.programs.eachMap], ["prog", probe.programs.eachProg]] as const) {
      const before = bpftoolIds(what);
      const ids = (await words(program.attachIter(), 4)).map(([id]) => id!);
      const seen = new Set(ids);
      expect(seen.size).toBe(ids.length); // each object once
      const after = bpftoolIds(what);
      const throughout = [...before].filter((id) => after.has(id));
      expect(throughout.length).toBeGreaterThan(0);
      expect(throughout.filter((id) => !seen.has(id))).toEqual([]);
    }
    // Our own programs are among them.
    expect(bpftoolIds("prog").has(probe.programs.eachMap.info().id)).toBe(true);
  }, 120_000); // the first load compiles the probe

  it("task_file: a child's open descriptors, as /proc/<pid>/fd lists them", async () => {
    await using probe = await load(KernelObjects);
    const child = spawn("sleep", ["30"], { stdio: ["pipe", "pipe", "ignore"] });
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      const pid = child.pid!;
      const proc = readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
      const seen = (await words(probe.programs.eachFile.attachIter(), 8)).filter(([p]) => p === pid).map(([, fd]) => fd!).sort((a, b) => a - b);
      expect(seen).toEqual(proc);
    } finally {
      child.kill();
    }
  });

  it("tcp: a socket the test listens on, with its state, as /proc/net/tcp shows it", async () => {
    await using probe = await load(KernelObjects);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const procTcp = () => readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1).filter(Boolean).map((line) => {
        const [, local, , state] = line.trim().split(/\s+/);
        return [parseInt(local!.split(":")[1]!, 16), parseInt(state!, 16)];
      });
      const listening = (rows: number[][]) => new Set(rows.filter(([, s]) => s === TCP_LISTEN).map(([p]) => p));
      const before = procTcp();
      const seen = await words(probe.programs.eachTcp.attachIter(), 8);
      const after = listening(procTcp());
      expect(before).toContainEqual([port, TCP_LISTEN]);
      expect(seen).toContainEqual([port, TCP_LISTEN]);
      // Every IPv4 listener /proc shows before and after the read, the iterator saw listening.
      expect([...listening(before)].filter((p) => after.has(p) && !listening(seen).has(p))).toEqual([]);
    } finally {
      server.close();
    }
  });

  it("udp: a socket the test binds, as /proc/net/udp shows it", async () => {
    await using probe = await load(KernelObjects);
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    try {
      const port = socket.address().port;
      const procPorts = () => new Set(readFileSync("/proc/net/udp", "utf8").split("\n").slice(1).filter(Boolean)
        .map((line) => parseInt(line.trim().split(/\s+/)[1]!.split(":")[1]!, 16)));
      const before = procPorts();
      const seen = new Set((await words(probe.programs.eachUdp.attachIter(), 8)).map(([p]) => p));
      const after = procPorts();
      expect(before.has(port)).toBe(true);
      expect(seen.has(port)).toBe(true);
      expect([...before].filter((p) => after.has(p) && !seen.has(p))).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it("task_vma: a child's memory areas, as /proc/<pid>/maps lists them", async () => {
    await using probe = await load(KernelObjects);
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      await new Promise((resolve) => setTimeout(resolve, 100)); // past the exec
      const pid = child.pid!;
      // [vsyscall] is a fixed page /proc/<pid>/maps adds (the gate area), not a vma of the task.
      const maps = readFileSync(`/proc/${pid}/maps`, "utf8").trim().split("\n").filter((line) => !line.endsWith("[vsyscall]")).map((line) => line.split(" ")[0]!.split("-").map((h) => BigInt(`0x${h}`)));
      const seen: bigint[][] = [];
      for await (const r of probe.programs.eachVma.attachIter().records(24)) {
        const view = new DataView(r.buffer, r.byteOffset, 24);
        if (view.getUint32(0, true) === pid) seen.push([view.getBigUint64(8, true), view.getBigUint64(16, true)]);
      }
      expect(seen).toEqual(maps);
    } finally {
      child.kill();
    }
  });
});
