/**
 * What `tsbpf init` writes: a probe, a user-space script that loads it, a vitest test that runs it
 * in the kernel, the TypeScript settings the DSL needs, and the package's scripts. Each file is
 * one the user owns afterwards, so each says in a line or two what it is for.
 */

/** The compiler options the DSL needs (stage 3 decorators, `await using`, `.ts` imports). */
export const requiredCompilerOptions = {
  target: "ES2022",
  lib: ["ES2023", "ESNext.Disposable", "ESNext.Decorators"],
  module: "NodeNext",
  moduleResolution: "NodeNext",
  types: ["node"],
  strict: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  skipLibCheck: true,
} as const;

/** Why each setting matters, for the message when a tsconfig.json exists already. */
export const requiredSettingsNote =
  `"lib" with "ESNext.Decorators" and "ESNext.Disposable" (probes use standard decorators, ` +
  `loaded probes "await using"), "allowImportingTsExtensions" with "noEmit" (user space imports ` +
  `"./probes/x.bpf.ts"), "module"/"moduleResolution" "NodeNext", and no "experimentalDecorators"`;

/**
 * The editor plugin (@tsbpf/ts-plugin, a dependency of tsbpf) shows the compiler's diagnostics as
 * you type in editors whose TypeScript is tsserver (docs/editor.md).
 */
export const editorPlugins = [{ name: "@tsbpf/ts-plugin" }];

export const tsconfig = JSON.stringify({ compilerOptions: { ...requiredCompilerOptions, plugins: editorPlugins } }, null, 2) + "\n";

export const probePath = "probes/write-counter.bpf.ts";
export const probe = `// A probe: counts write(2) calls by process ID in a hash map that user space reads.
// Build it with \`npm run build\` (writes probes/write-counter.bpf.o); load it with load() (src/main.ts).
import { HashMap, Probe, bpf, config, tracepoint, u32, type SysEnterContext, type i32, type u64 } from "tsbpf";

export class WriteCounter extends Probe {
  /** Count only this process's writes; 0 counts every process's. Set at load time. */
  @config targetPid: u32 = 0;
  /** write(2) calls by process ID. */
  counts = new HashMap<u32, u64>({ maxEntries: 1024 });

  @tracepoint("syscalls", "sys_enter_write")
  onWrite(_ctx: SysEnterContext): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    if (this.targetPid !== 0 && pid !== this.targetPid) return 0;
    const count = this.counts.lookup(pid);
    if (count) count.value += 1n;
    else this.counts.update(pid, 1n);
    return 0;
  }
}
`;

export const mainPath = "src/main.ts";
export const main = `// User space: loads the probe, writes a few lines, and reads what the probe counted.
// Run it as root (or with CAP_BPF + CAP_PERFMON): npm start (tsx), or on Node 22.18+ node src/main.ts.
// The probe's class is imported as a type only and its file given to load(): Node's type stripping
// does not run decorators, so the probe's module is never evaluated here, and this file runs under
// tsx and type stripping alike.
import { closeSync, openSync, writeSync } from "node:fs";
import { load } from "tsbpf";
import type { WriteCounter } from "../probes/write-counter.bpf.ts";

const counter = await load<WriteCounter>(new URL("../probes/write-counter.bpf.ts", import.meta.url), { config: { targetPid: process.pid } });
try {
  counter.attach();
  const fd = openSync("/dev/null", "w");
  for (let i = 0; i < 10; i++) writeSync(fd, "hello\\n");
  closeSync(fd);

  // Typed from the probe's class: the map's keys are numbers (u32), its values bigints (u64).
  const writes: bigint | undefined = counter.counts.get(process.pid);
  console.log(\`pid \${process.pid} wrote \${writes ?? 0n} times while the probe was attached\`);
} finally {
  counter.close(); // detaches and frees the probe (\`await using\` does it too where the runtime has it)
}
`;

export const testPath = "test/write-counter.test.ts";
export const test = `// Runs the probe in the kernel (as root, or with CAP_BPF + CAP_PERFMON): npm test
import { closeSync, openSync, writeSync } from "node:fs";
import { expect, test } from "vitest";
import { load } from "tsbpf";
import { WriteCounter } from "../probes/write-counter.bpf.ts";

test("counts this process's write(2) calls", async () => {
  await using counter = await load(WriteCounter, { config: { targetPid: process.pid } });
  counter.attach();
  const fd = openSync("/dev/null", "w");
  try {
    for (let i = 0; i < 25; i++) writeSync(fd, "x");
  } finally {
    closeSync(fd);
  }
  // At least these 25: the test runner may write too, from the same process.
  expect(counter.counts.get(process.pid)).toBeGreaterThanOrEqual(25n);
});
`;

export const vitestConfigPath = "vitest.config.ts";
export const vitestConfig = `// Probes use standard decorators, which Vite's own transform does not lower for Node; swc does.
import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: "typescript", decorators: true },
        transform: { decoratorVersion: "2022-03" },
        target: "es2022",
      },
    }),
  ],
  test: { testTimeout: 30_000 },
});
`;

export const gitignorePath = ".gitignore";
export const gitignore = "node_modules/\n*.bpf.o\n";

export const scripts: Record<string, string> = {
  build: `tsbpf build ${probePath}`,
  start: `tsx ${mainPath}`,
  trace: `tsbpf run ${probePath} --duration 5`,
  test: "vitest run",
  typecheck: "tsc --noEmit",
  check: "tsbpf check",
};

/** Development tools the generated files use, with the versions tsbpf is tested with. */
export function devDependencies(nodeMajor: string): Record<string, string> {
  return {
    typescript: "~6.0.3",
    tsx: "^4.20.0",
    vitest: "~4.1.12",
    "unplugin-swc": "^2.0.0",
    "@swc/core": "^1.16.0",
    "@types/node": `^${nodeMajor}`,
  };
}
