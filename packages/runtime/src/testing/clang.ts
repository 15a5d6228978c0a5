/**
 * Test-only: builds a C fixture with clang for the BPF target (`clang -O2 -g -target bpf`), as a
 * libbpf user would. Returns the object's bytes, or why clang could not build it (tests skip
 * with that reason, or fail under TSBPF_REQUIRE_KERNEL=1).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

export function buildWithClang(source: string): Uint8Array | string {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-clang-"));
  try {
    const out = join(dir, basename(source).replace(/\.c$/, ".o"));
    // <linux/bpf.h> includes <asm/types.h>, which Debian keeps under the multiarch directory.
    const multiarch = process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
    const targetArch = process.arch === "arm64" ? "arm64" : "x86";
    execFileSync("clang", ["-O2", "-g", "-target", "bpf", `-D__TARGET_ARCH_${targetArch}`, `-I/usr/include/${multiarch}`, "-c", source, "-o", out], { stdio: "pipe" });
    return new Uint8Array(readFileSync(out));
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim().split("\n").slice(-3).join(" ");
    return `clang cannot build ${basename(source)}: ${stderr || (error as Error).message.split("\n")[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** buildWithClang, failing when TSBPF_REQUIRE_KERNEL=1, else skipping the test with the reason. */
export function compileOrSkip(source: string, context: { skip: (note?: string) => never }): Uint8Array {
  const elf = buildWithClang(source);
  if (typeof elf !== "string") return elf;
  if (process.env.TSBPF_REQUIRE_KERNEL === "1") throw new Error(elf);
  console.warn(`skipping: ${elf}`);
  return context.skip(elf);
}
