// `tsbpf run --metrics`: a bad address is a usage error before anything compiles or loads (a port
// already taken: test/metrics-prometheus.test.ts, where the probe's compiled object is cached).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cliPath, fixture } from "./support/paths.js";

const probe = fixture("fleet-metrics.bpf.ts");
const tsbpf = (args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: "utf8" });

describe("tsbpf run --metrics <address>", () => {
  it.each([["nonsense", "not an address"], ["1.2.3.4:70000", "the port must be 0 to 65535"], ["::1:9435", "not an address"]])(
    "refuses %s before compiling", (address, why) => {
      const r = tsbpf(["run", probe, "--metrics", address]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`option '--metrics <address>' argument '${address}' is invalid`);
      expect(r.stderr).toContain(why);
      expect(r.stderr).not.toContain("compiling");
    });
});
