/**
 * Gates and tools for the tests that load programs into the running kernel. Without root, the
 * bpf() syscall, bpffs or bpftool they skip with the reason printed, unless
 * TSBPF_REQUIRE_KERNEL=1, where they fail instead.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";

const BPFFS = "/sys/fs/bpf";

function findTool(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/sbin", "/usr/bin"]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function bpffsMounted(): boolean {
  try {
    return readFileSync("/proc/mounts", "utf8").split("\n").some((l) => l.split(" ")[1] === BPFFS && l.split(" ")[2] === "bpf");
  } catch {
    return false;
  }
}

/** Why the kernel tests cannot run here, or undefined when they can. */
export function kernelUnavailable(options: { bpftool?: boolean } = {}): string | undefined {
  if (process.platform !== "linux") return `not Linux (${process.platform})`;
  if (process.geteuid?.() !== 0) return "not root (loading programs needs CAP_BPF and CAP_PERFMON)";
  if (!existsSync("/proc/sys/kernel/unprivileged_bpf_disabled")) return "this kernel has no bpf() syscall";
  if (options.bpftool) {
    if (!findTool("bpftool")) return "bpftool is not installed (apt-get install bpftool)";
    if (!bpffsMounted()) {
      try {
        execFileSync("mount", ["-t", "bpf", "bpf", BPFFS], { stdio: "ignore" });
      } catch {
        return `bpffs is not mounted at ${BPFFS} and cannot be mounted`;
      }
    }
  }
  return undefined;
}

/** `describe` for tests that need the kernel (and bpftool when asked). */
export function describeKernel(name: string, body: () => void, options: { bpftool?: boolean } = {}): void {
  const reason = kernelUnavailable(options);
  if (!reason) {
    describe(name, body);
  } else if (process.env.TSBPF_REQUIRE_KERNEL === "1") {
    describe(name, () => {
      it("has the kernel it requires", () => {
        throw new Error(`TSBPF_REQUIRE_KERNEL=1 but ${reason}`);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  }
}

let pins = 0;

/**
 * `bpftool prog loadall <object> <pin dir>`: libbpf opens the object, loads its BTF, creates the
 * maps and has the verifier check every program. The pins are removed again.
 */
export function bpftoolLoadAll(elf: Uint8Array): { status: number | null; stderr: string; programs: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-compiler-"));
  const pin = join(BPFFS, `tsbpf-compiler-${process.pid}-${pins++}`);
  try {
    const object = join(dir, "probe.o");
    writeFileSync(object, elf);
    const result = spawnSync(findTool("bpftool")!, ["prog", "loadall", object, pin], { encoding: "utf8" });
    let programs: string[] = [];
    try {
      programs = existsSync(pin) ? execFileSync("ls", [pin], { encoding: "utf8" }).split("\n").filter(Boolean) : [];
    } catch {
      programs = [];
    }
    return { status: result.status, stderr: result.stderr, programs };
  } finally {
    rmSync(pin, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}
