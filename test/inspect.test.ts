// tsbpf inspect: programs, maps, BTF and disassembly interleaved with source lines, for an object
// tsbpf built (its disassembly compared with test/fixtures/inspect.golden; refresh with
// UPDATE_GOLDEN=1 after a code generator change) and for one clang built; each object is also
// loaded and run in the kernel, so that what inspect shows is what the kernel accepts.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, expect, it } from "vitest";
import { loadObject } from "@tsbpf/runtime";
import { describeKernel } from "./support/kernel.js";
import { cliPath, fixture, repoRoot } from "./support/paths.js";

const dir = mkdtempSync(join(tmpdir(), "tsbpf-inspect-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: repoRoot, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tsbpf ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

describeKernel("tsbpf inspect", () => {
  it("shows a tsbpf object's programs, maps, BTF and source-annotated disassembly", async () => {
    const object = join(dir, "inspected.o");
    cli("build", relative(repoRoot, fixture("inspect.bpf.ts")), "-o", object);
    const out = cli("inspect", object);
    const golden = fixture("inspect.golden");
    if (process.env.UPDATE_GOLDEN === "1" || !existsSync(golden)) writeFileSync(golden, out);
    expect(out).toBe(readFileSync(golden, "utf8"));
    expect(out).toMatch(/count\s+syscall\s+syscall\s+\d+/);
    expect(out).toMatch(/totals\s+hash\s+4\s+8\s+16\s+-\s+unsigned int\s+unsigned long long/);
    expect(out).toMatch(/call pc\+\d+ {2}; -> triple/);
    expect(out).toContain("; this.totals.update(ctx.key, sum);  [test/fixtures/inspect.bpf.ts:23:");
    expect(out).toMatch(/call bpf_map_update_elem#2/);
    // The object it describes is real: it loads and computes 3*(4k+6) for key k.
    await using loaded = await loadObject(new Uint8Array(readFileSync(object)));
    const result = loaded.programs.get("count")!.testRun({ ctx: { key: 5, total: 0n } });
    expect(result.ctxOut).toEqual({ key: 5, total: 78n });
  });

  it("shows a clang-built object with its C source lines", async (context) => {
    const source = join(repoRoot, "packages/runtime/src/load/__fixtures__/write-events.bpf.c");
    const object = join(dir, "write-events.o");
    try {
      execFileSync("clang", ["-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", "-I/usr/include/x86_64-linux-gnu", "-c", source, "-o", object], { stdio: "pipe" });
    } catch (error) {
      const why = `clang cannot build the C fixture: ${(error as Error).message.split("\n")[0]}`;
      if (process.env.TSBPF_REQUIRE_KERNEL === "1") throw new Error(why);
      console.warn(`skipping: ${why}`);
      return context.skip();
    }
    const out = cli("inspect", object);
    expect(out).toMatch(/on_write\s+tracepoint\/syscalls\/sys_enter_write\s+tracepoint\s+\d+\s+1\s+\d+/);
    expect(out).toMatch(/bytes_by_fd\s+hash\s+4\s+8\s+64\s+-\s+__u32\s+__u64/);
    expect(out).toMatch(/events\s+ringbuf\s+0\s+0\s+65536/);
    expect(out).toContain("; __u32 pid = bpf_get_current_pid_tgid() >> 32;  [");
    expect(out).toContain("call bpf_get_current_pid_tgid#14");
    expect(out).toMatch(/map\[fd:0\] ll {2}; map bytes_by_fd/);
    await using loaded = await loadObject(new Uint8Array(readFileSync(object)));
    expect([...loaded.programs.keys()]).toEqual(["on_write"]);
  });
});
