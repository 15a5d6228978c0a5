// `tsbpf run --metrics`: a bad address is a usage error before anything compiles or loads; a port
// already taken is a usage error after loading, with nothing printed on stdout and everything released.
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { describeKernel } from "./support/kernel.js";
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

describeKernel("tsbpf run --metrics on a port in use", () => {
  it("is a usage error naming the address, with stdout empty", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = tsbpf(["run", probe, "--json", "--metrics", `127.0.0.1:${port}`, "--duration", "1"]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`--metrics: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    } finally {
      holder.close();
    }
  }, 60_000);
});
