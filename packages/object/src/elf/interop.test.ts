/**
 * Interop is a test, not a hope: objects writeElf produces must load with libbpf (through
 * bpftool) into the real kernel, whose verifier also checks the BTF, func_info and line_info.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sampleSpec } from "../testing/sample-spec.js";
import { hasTool, isRoot, missing } from "../testing/kernel.js";
import { writeElf } from "./writer.js";

const BPFFS = "/sys/fs/bpf";

function ensureBpffs(): boolean {
  if (!existsSync(BPFFS)) return false;
  try {
    const mounts = execFileSync("cat", ["/proc/mounts"], { encoding: "utf8" });
    if (!mounts.split("\n").some((l) => l.split(" ")[1] === BPFFS && l.split(" ")[2] === "bpf")) {
      execFileSync("mount", ["-t", "bpf", "bpf", BPFFS], { stdio: "ignore" });
    }
    return true;
  } catch {
    return false;
  }
}

describe("libbpf interop", () => {
  it("bpftool prog loadall accepts a written object", (ctx) => {
    if (missing({ bpftool: hasTool("bpftool", ["version"]), root: isRoot(), bpffs: isRoot() && ensureBpffs() })) return ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-elf-"));
    const pins = join(BPFFS, `tsbpf-object-test-${process.pid}-${Date.now()}`);
    try {
      const file = join(dir, "sample.bpf.o");
      writeFileSync(file, writeElf(sampleSpec()));
      try {
        execFileSync("bpftool", ["-d", "prog", "loadall", file, pins], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      } catch (error) {
        const e = error as { stderr?: string; stdout?: string };
        throw new Error(`bpftool prog loadall failed:\n${e.stderr ?? ""}${e.stdout ?? ""}`);
      }
      expect(readdirSync(pins).sort()).toEqual(["count_read", "handle_write", "second_write"]);
      const shown = JSON.parse(execFileSync("bpftool", ["-j", "prog", "show", "pinned", join(pins, "handle_write")], { encoding: "utf8" })) as {
        name: string;
        type: string;
        map_ids: number[];
        btf_id?: number;
      };
      expect(shown).toMatchObject({ name: "handle_write", type: "tracepoint" });
      expect(shown.map_ids.length).toBe(3); // starts, .rodata, .bss
      expect(shown.btf_id).toBeGreaterThan(0);
      // the kernel kept our line info: the dump shows the source lines
      const dump = execFileSync("bpftool", ["prog", "dump", "xlated", "pinned", join(pins, "handle_write")], { encoding: "utf8" });
      expect(dump).toContain("const starts = this.starts;");
      expect(dump).toContain("return this.hits + x;");
    } finally {
      rmSync(pins, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
