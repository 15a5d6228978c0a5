// CgroupStorage and PerCpuCgroupStorage: a cgroup_skb egress program attached to a cgroup the
// test creates counts the UDP datagrams a child in that cgroup sends, in the cgroup's value; user
// space reads it under the cgroup's id (its directory's inode number). Reference: the datagrams
// and bytes the child sent. Needs Linux 5.9 (u64 keys).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmdirSync, statSync } from "node:fs";
import { afterAll, beforeAll, expect, expectTypeOf, it } from "vitest";
import { load, type HashMapHandle } from "tsbpf";
import { cgroupV2Root } from "../packages/runtime/src/sys/cgroup.ts";
import { CgroupCounts } from "./fixtures/cgroup-storage.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const child = `
const fs = require("fs"), dgram = require("dgram");
fs.writeFileSync(process.argv[1] + "/cgroup.procs", String(process.pid));
const s = dgram.createSocket("udp4");
const sizes = JSON.parse(process.argv[2]);
let i = 0;
const next = () => (i < sizes.length ? s.send(Buffer.alloc(sizes[i++]), 9, "127.0.0.1", next) : s.close());
next();
`;

describeKernel("cgroup storage", () => {
  let cgroup: string;
  beforeAll(() => {
    cgroup = `${cgroupV2Root()}/tsbpf-cgstorage-${process.pid}`;
    mkdirSync(cgroup);
  });
  afterAll(() => {
    try {
      rmdirSync(cgroup);
    } catch {
      // a child still inside
    }
  });

  it("counts a cgroup's datagrams in its own value, read by the cgroup's id", async () => {
    await using probe = await load(CgroupCounts);
    expectTypeOf(probe.counts).toEqualTypeOf<HashMapHandle<bigint, { packets: bigint; bytes: bigint }>>();
    probe.programs.onEgress.attach({ cgroup });
    const id = BigInt(statSync(cgroup).ino);
    expect(probe.counts.get(id)).toEqual({ packets: 0n, bytes: 0n }); // created at attach
    const sizes = [10, 100, 1000];
    execFileSync(process.execPath, ["-e", child, cgroup, JSON.stringify(sizes)]);
    const ipUdpHeaders = 28;
    expect(probe.counts.get(id)).toEqual({ packets: 3n, bytes: BigInt(sizes.reduce((n, s) => n + s + ipUdpHeaders, 0)) });
    expect(probe.perCpu.get(id)!.reduce((a, b) => a + b, 0n)).toBe(3n);
  }, 120_000); // the first load compiles the probe
});
