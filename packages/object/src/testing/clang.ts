/** Test-only: compiles the C fixtures with clang into a temporary directory. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { arch } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../__fixtures__/", import.meta.url));

/** Multiarch include directory for <asm/types.h>, which <linux/bpf.h> needs. */
function multiarchInclude(): string[] {
  const triple = arch() === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  const dir = `/usr/include/${triple}`;
  return existsSync(dir) ? [`-I${dir}`] : [];
}

/** `clang -O2 -g -target bpf -c <fixture>` run from `outDir`, so that line info names the file relatively. */
export function compileFixture(name: string, outDir: string): Uint8Array {
  const out = join(outDir, name.replace(/\.c$/, ".o"));
  const targetArch = arch() === "arm64" ? "arm64" : "x86";
  try {
    execFileSync("clang", ["-O2", "-g", "-target", "bpf", `-D__TARGET_ARCH_${targetArch}`, ...multiarchInclude(), "-c", join(FIXTURES, name), "-o", out], {
      cwd: outDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    throw new Error(`clang failed on ${name}:\n${(error as { stderr?: Buffer }).stderr?.toString() ?? error}`);
  }
  return new Uint8Array(readFileSync(out));
}

/** Whether clang can build BPF objects with libbpf's headers here. */
export function hasBpfClang(): boolean {
  try {
    execFileSync("clang", ["--version"], { stdio: "ignore" });
    return existsSync("/usr/include/bpf/bpf_helpers.h");
  } catch {
    return false;
  }
}
