import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

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
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", "./scripts/summary-reporter.ts"],
  },
});
