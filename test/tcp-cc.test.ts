// tcp-cc: a TCP congestion control written with @structOps is registered by attach(), chosen by
// a socket (a Python child sets TCP_CONGESTION and sends 1 MiB over loopback), calls the
// programs, and is gone again after close(); `tsbpf run` registers it for its duration.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { FixedCc } from "../examples/tcp-cc.bpf.ts";
import { attached, start } from "./support/child.js";
import { describeKernel, exclusively, tcpTransfer } from "./support/kernel.js";
import { cliPath, example } from "./support/paths.js";

// The example's fixed name: two runs of this file at once (two workers, two worktrees) would both
// register it, so each test holds the machine-wide lock named after it.
const NAME = "tsbpf_fixed";
const available = () => readFileSync("/proc/sys/net/ipv4/tcp_available_congestion_control", "utf8").split(/\s+/);


describeKernel("examples/tcp-cc.bpf.ts", () => {
  it("registers a congestion control that sockets use, and unregisters it on close", () => exclusively(NAME, async () => {
    {
      await using cc = await load(FixedCc);
      expect(available()).not.toContain(NAME);
      const links = cc.attach();
      expect(links.map((l) => l.target)).toContain("struct_ops tcp_congestion_ops cc");
      expect(available()).toContain(NAME);
      expect(tcpTransfer(NAME, 1 << 20)).toBe(NAME);
      expect(cc.calls.get(1)).toBeGreaterThan(0n); // cong_avoid ran for the transfer's ACKs
    }
    expect(available()).not.toContain(NAME);
  }));

  it("is registered for the duration of `tsbpf run`", () => exclusively(NAME, async () => {
    const run = start(process.execPath, [cliPath, "run", example("tcp-cc.bpf.ts"), "--duration", "2", "--json"]);
    await attached(run);
    expect(available()).toContain(NAME);
    const { stdout, stderr, code } = await run.finished;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    // The struct_ops programs run through the registered map: none is reported unattached.
    const attachedLine = stdout.split("\n").find((l) => l.includes('"kind":"attached"'))!;
    expect(JSON.parse(attachedLine)).toEqual({ kind: "attached", probe: "FixedCc", programs: 3, links: 1 });
    expect(available()).not.toContain(NAME);
  }));
});
