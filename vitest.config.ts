import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";
import SlowFirstSequencer from "./test/support/slow-first-sequencer.ts";

// Probe classes use standard decorators, which Vite's own transform does not lower on Node 20:
// swc does. Workspace packages resolve to their sources through the "tsbpf-source" condition, so
// unit tests need no build (the compiler's front end still reads the built tsbpf declarations).
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
  resolve: { conditions: ["tsbpf-source"] },
  // Tests run in Vite's server (ssr) environment, whose resolver does not take resolve.conditions:
  // @tsbpf/runtime/testing exports only the "tsbpf-source" condition, so name it there too.
  ssr: { resolve: { conditions: ["tsbpf-source"], externalConditions: ["tsbpf-source"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    // Two workers on this 2-core machine (vitest's default is cores - 1 = one): most kernel and
    // e2e tests wait (for events, child processes, `tsbpf run` start-up) rather than compute.
    // Tests that share a kernel resource use unique names or the test lock (runtime testing/exclusive.ts).
    maxWorkers: 2,
    // CommonJS dependencies (ts-morph, typescript) as plain Node namespaces, as in production:
    // vitest's default interop wraps them in a Proxy whose trap runs on every `ts.X` access,
    // which was 37% of the reference evaluator's time in the random differential tests.
    deps: { interopDefault: false },
    // Each test file gets its own modules (and so its own ts-morph projects): sharing them across
    // the files of a worker saved import time, but after the compiler came to keep one project per
    // tsconfig and to refresh a probe's imports, a kernel declaration parsed for one file's probe
    // stayed visible to another file's (TS2717, a stray task_struct), depending on the order.
    isolate: true,
    sequence: { sequencer: SlowFirstSequencer },
    // Compiles run in-process or in the compiler snapshot that a test makes itself
    // (test/compiler-snapshot.test.ts): a snapshot left in ~/.cache by an earlier run, or one that
    // a compile would start building in the background, would make tests depend on the order.
    env: { TSBPF_SNAPSHOT: "0" },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
