// Iterators over unix sockets, kernel symbols, BPF links, cgroups and socket storage
// (test/fixtures/iterators-kernel.bpf.ts), each compared with an independent view of the same
// objects: /proc/net/unix with a listener and a connection the test opens, /proc/kallsyms, bpftool's
// list of links, a tree of cgroups the test creates (walked in each of the cgroup iterator's
// orders), and values the test stores for sockets it opens. Objects that others create and destroy
// meanwhile are handled as test/iterators.test.ts does: what existed before and after the read must
// have been seen. Needs Linux 5.17 (unix), 5.19 (bpf_link), 6.0 (ksym), 6.1 (cgroup), 5.9
// (bpf_sk_storage_map, which 6.18 here refuses to load: that case skips, saying so).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { load, NotSupportedError } from "tsbpf";
import { cgroupV2Root } from "../packages/runtime/src/sys/cgroup.ts";
import { KernelLists, SocketTags } from "./fixtures/iterators-kernel.bpf.ts";
import { describeKernel, toolPath } from "./support/kernel.js";

/** The link's output cut into records of `size` bytes, as DataViews. */
async function records(link: { records(size: number): AsyncIterable<Uint8Array> }, size: number): Promise<DataView[]> {
  const out: DataView[] = [];
  for await (const r of link.records(size)) out.push(new DataView(r.buffer, r.byteOffset, size));
  return out;
}

const procUnixInodes = () => new Set(readFileSync("/proc/net/unix", "utf8").split("\n").slice(1).filter(Boolean)
  .map((line) => Number(line.trim().split(/\s+/)[6])).filter((ino) => ino !== 0));

const ino = (path: string) => statSync(path, { bigint: true }).ino;

describeKernel("iterators over unix sockets, kernel symbols, BPF links and cgroups", () => {
  let cgroups: { top: string; a: string; x: string; b: string };
  beforeAll(() => {
    const top = `${cgroupV2Root()}/tsbpf-iter-${process.pid}`;
    cgroups = { top, a: `${top}/a`, x: `${top}/a/x`, b: `${top}/b` };
    for (const dir of [cgroups.top, cgroups.a, cgroups.x, cgroups.b]) mkdirSync(dir);
  });
  afterAll(() => {
    for (const dir of [cgroups?.x, cgroups?.a, cgroups?.b, cgroups?.top]) {
      try {
        if (dir) rmdirSync(dir);
      } catch {
        // never made
      }
    }
  });

  it("unix: every socket /proc/net/unix lists before and after the read, a listener and a connection of the test's among them", async () => {
    await using probe = await load(KernelLists);
    const path = join(tmpdir(), `tsbpf-iter-${process.pid}.sock`);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const client = createConnection(path);
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    try {
      const listener = readFileSync("/proc/net/unix", "utf8").split("\n").find((line) => line.endsWith(` ${path}`));
      expect(listener).toBeDefined();
      const listenerIno = Number(listener!.trim().split(/\s+/)[6]);
      const before = procUnixInodes();
      const seen = new Set((await records(probe.programs.eachUnix.attachIter(), 8)).map((r) => Number(r.getBigUint64(0, true))));
      const after = procUnixInodes();
      expect(seen.has(listenerIno)).toBe(true);
      const throughout = [...before].filter((i) => after.has(i));
      expect(throughout.length).toBeGreaterThan(2); // the listener and both ends of the connection at least
      expect(throughout.filter((i) => !seen.has(i))).toEqual([]);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000); // the first load compiles the probe

  it("ksym: the kernel's own symbols, in /proc/kallsyms's order, with their addresses and types", async () => {
    await using probe = await load(KernelLists);
    const decoder = new TextDecoder();
    const seen: string[] = [];
    for (const r of await records(probe.programs.eachSymbol.attachIter(), 80)) {
      if (r.getUint32(12, true) !== 0) continue; // a module's, bpf's or ftrace's: they come and go
      const name = new Uint8Array(r.buffer, r.byteOffset + 16, 64);
      const end = name.indexOf(0);
      seen.push(`${r.getBigUint64(0, true).toString(16).padStart(16, "0")} ${String.fromCharCode(r.getUint32(8, true))} ${decoder.decode(name.subarray(0, end < 0 ? 64 : end))}`);
    }
    const proc = readFileSync("/proc/kallsyms", "utf8").split("\n").filter((line) => line && !line.includes("\t["))
      .map((line) => {
        const [address, type, name] = line.split(" ");
        return `${address} ${type} ${name!.slice(0, 63)}`; // the record keeps 63 bytes of a name
      });
    expect(proc.length).toBeGreaterThan(10_000);
    expect(seen).toEqual(proc);
  }, 120_000);

  it("bpf_link: every link bpftool lists before and after the read, the iterator's own among them", async () => {
    await using probe = await load(KernelLists);
    const bpftoolLinks = () => new Set((JSON.parse(execFileSync(toolPath("bpftool"), ["link", "list", "-j"]).toString()) as { id: number }[]).map((l) => l.id));
    const other = probe.programs.eachUnix.attachIter();
    const link = probe.programs.eachLink.attachIter();
    const before = bpftoolLinks();
    const seen = new Set((await records(link, 4)).map((r) => r.getUint32(0, true)));
    const after = bpftoolLinks();
    expect(seen.has(link.id())).toBe(true);
    expect(seen.has(other.id())).toBe(true);
    const throughout = [...before].filter((id) => after.has(id));
    expect(throughout).toContain(other.id());
    expect(throughout.filter((id) => !seen.has(id))).toEqual([]);
  }, 120_000);

  it("cgroup: a tree the test creates, in each order the kernel walks it", async () => {
    await using probe = await load(KernelLists);
    const { top, a, x, b } = cgroups;
    const walk = async (cgroup: string, order: "descendantsPre" | "descendantsPost" | "ancestorsUp" | "selfOnly") =>
      (await records(probe.programs.eachCgroup.attachIter({ cgroup, order }), 16)).map((r) => ({ id: r.getBigUint64(0, true), level: r.getUint32(8, true) }));
    const ids = (rows: { id: bigint }[]) => rows.map((r) => r.id);
    // A cgroup's id is its kernfs node's, the directory's inode number.
    expect(ids(await walk(top, "descendantsPre"))).toEqual([top, a, x, b].map(ino));
    expect(ids(await walk(top, "descendantsPost"))).toEqual([x, a, b, top].map(ino));
    expect(ids(await walk(a, "selfOnly"))).toEqual([ino(a)]);
    const up = await walk(x, "ancestorsUp");
    expect(ids(up.slice(0, 4))).toEqual([x, a, top, join(top, "..")].map(ino));
    // Up to the root, one level at a time.
    expect(up.map((r) => r.level)).toEqual(up.map((_, i) => up.length - 1 - i));
  }, 120_000);
});

describeKernel("the bpf_sk_storage_map iterator", () => {
  it("walks the values stored for the test's sockets", async (ctx) => {
    let refused: NotSupportedError | undefined;
    const loaded = await load(SocketTags).catch((error: unknown) => {
      // Linux 6.18 here refuses this iterator with EPERM before verifying (a clang-built libbpf
      // object too, checked with bpftool); Debian's 6.1 and 6.12 load it (test/other-kernel.test.ts).
      if (error instanceof NotSupportedError && error.errno === 1) return (refused = error), undefined;
      throw error;
    });
    if (!loaded) {
      console.log(`tsbpf: skipped: this kernel refuses iter/bpf_sk_storage_map: ${refused?.message}`);
      ctx.skip();
      return;
    }
    await using probe = loaded;
    const servers = await Promise.all([0, 1, 2].map(async () => {
      const s = createServer();
      await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
      return s;
    }));
    try {
      const stored = new Map<number, bigint>();
      servers.forEach((s, i) => {
        const fd = (s as unknown as { _handle: { fd: number } })._handle.fd;
        const value = 0x1000n + BigInt(i) * 7n;
        probe.tags.set(fd, value);
        stored.set((s.address() as { port: number }).port, value);
      });
      const seen = new Map((await records(probe.programs.eachTag.attachIter({ map: probe.tags.fd }), 16)).map((r) => [r.getUint32(0, true), r.getBigUint64(8, true)]));
      expect(seen).toEqual(stored);
    } finally {
      for (const s of servers) s.close();
    }
  }, 120_000);
});
