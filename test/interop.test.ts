// Every object the examples produce loads with libbpf (bpftool prog loadall): libbpf parses our ELF,
// BTF and BTF.ext, creates the maps, applies relocations (CO-RE included) and the kernel verifies
// every program.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { compileFile, compileSource, type CompiledProbe } from "@tsbpf/compiler";
import { loadObject, NotSupportedError } from "@tsbpf/runtime";
import { describeKernel, toolPath } from "./support/kernel.js";
import { repoRoot } from "./support/paths.js";

const examples = readdirSync(join(repoRoot, "examples")).filter((f) => f.endsWith(".bpf.ts"));

/**
 * Sections that libbpf learnt after the 1.1 that Debian's bpftool is built with (tc/ and tcx/ came in
 * libbpf 1.3): for these, bpftool is told the program type instead of guessing it from the name.
 */
const NEWER_SECTIONS: Array<[RegExp, string]> = [[/^tcx?\//, "tc"]];

function loadall(object: string, pins: string, probe: CompiledProbe): ReturnType<typeof spawnSync> {
  const sections = probe.spec.programs.map((p) => p.section);
  const older = NEWER_SECTIONS.find(([pattern]) => sections.every((s) => pattern.test(s)));
  const typeArgs = older ? ["type", older[1]] : [];
  return spawnSync(toolPath("bpftool"), ["prog", "loadall", object, pins, ...typeArgs], { encoding: "utf8" });
}

/** Why this kernel refuses the object's programs (lockdown, say), as the runtime's probes tell it. */
async function kernelRefusal(probe: CompiledProbe): Promise<string | undefined> {
  try {
    const object = await loadObject(probe.elf);
    object.close();
    return undefined;
  } catch (error) {
    if (error instanceof NotSupportedError) return error.message;
    throw error;
  }
}

/** Unregisters (bpftool struct_ops unregister) every struct_ops map whose data names `name`. */
function unregisterStructOps(name: string): void {
  const bpftool = (...args: string[]) => spawnSync(toolPath("bpftool"), ["-j", ...args], { encoding: "utf8" }).stdout;
  const maps = JSON.parse(bpftool("struct_ops", "show") || "[]") as { id: number }[];
  for (const { id } of maps) {
    if (bpftool("struct_ops", "dump", "id", String(id)).includes(`"name":"${name}"`)) bpftool("struct_ops", "unregister", "id", String(id));
  }
}

describeKernel("libbpf interop", () => {
  beforeAll(() => {
    toolPath("bpftool");
  });

  for (const example of examples) {
    it(`bpftool prog loadall accepts examples/${example}`, async () => {
      const result = compileFile(join(repoRoot, "examples", example));
      expect(result.diagnostics.filter((d) => d.category === "error")).toEqual([]);
      expect(result.probes.length).toBeGreaterThan(0);
      const dir = mkdtempSync(join(tmpdir(), "tsbpf-interop-"));
      try {
        for (const probe of result.probes) {
          const object = join(dir, `${probe.className}.o`);
          writeFileSync(object, probe.elf);
          const pins = `/sys/fs/bpf/tsbpf-test-${process.pid}-${probe.className}`;
          try {
            const refusal = await kernelRefusal(probe);
            const run = loadall(object, pins, probe);
            if (refusal) {
              // libbpf got as far as the kernel's program load, which the kernel refuses here.
              console.warn(`${example} ${probe.className}: the kernel refuses it here (${refusal}); libbpf must fail only at the load`);
              expect(run.status).not.toBe(0);
              expect(run.stderr).toMatch(/program load failed: Operation not permitted|failed to load program/);
              expect(run.stderr).not.toMatch(/failed to guess|relocation|BTF/);
              continue;
            }
            expect(run.stderr).toBe("");
            expect(run.status).toBe(0);
            expect(readdirSync(pins).length).toBe(probe.spec.programs.length);
          } finally {
            rmSync(pins, { recursive: true, force: true });
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("libbpf registers tcp-cc's congestion control from its .struct_ops section (bpftool struct_ops register)", () => {
    // The example's own name may be registered by test/tcp-cc.test.ts meanwhile: this copy has its own.
    const name = `tsbpf_i${process.pid % 100_000}`;
    const text = readFileSync(join(repoRoot, "examples", "tcp-cc.bpf.ts"), "utf8").replace('"tsbpf_fixed"', `"${name}"`);
    const result = compileSource(join(repoRoot, "examples", `tcp-cc-interop-${process.pid}.bpf.ts`), text);
    expect(result.diagnostics.filter((d) => d.category === "error")).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-interop-"));
    const available = () => readFileSync("/proc/sys/net/ipv4/tcp_available_congestion_control", "utf8").split(/\s+/);
    try {
      const object = join(dir, "tcp-cc.o");
      writeFileSync(object, result.probes[0]!.elf);
      const run = spawnSync(toolPath("bpftool"), ["struct_ops", "register", object], { encoding: "utf8" });
      try {
        // bpftool reports the registration ("Registered tcp_congestion_ops cc id N") on stderr.
        expect(run.stderr).toMatch(/Registered tcp_congestion_ops cc id \d+/);
        expect(run.stderr).not.toMatch(/libbpf:|Error|failed/i);
        expect(run.status).toBe(0);
        expect(available()).toContain(name);
      } finally {
        unregisterStructOps(name);
      }
      expect(available()).not.toContain(name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

