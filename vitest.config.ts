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
    // Test files of one worker share their modules: TypeScript, ts-morph and the compiler load once
    // per worker instead of once per file (the "import" phase was ~165 s of CPU over the suite),
    // and the compiler's one Project keeps the parsed lib and tsbpf declarations. Tests that swap
    // the runtime's door (fake kernel) reset what it cached; nothing else keeps per-file state.
    isolate: false,
    sequence: { sequencer: SlowFirstSequencer },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
