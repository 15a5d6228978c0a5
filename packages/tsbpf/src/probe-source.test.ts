// The file that defines a probe class, as its decorators record it (dsl/defining-file.ts): the caller's file from V8's
// structured call sites, whatever the module system; a legacy decorator call is a clear error.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LegacyDecoratorsError, Probe, probeSourceOf, tracepoint, config } from "./dsl/probe.js";

describe("the defining file of a probe class", () => {
  it("is this file for a class decorated here (not the DSL's, not a helper's)", () => {
    class Here extends Probe {
      @config limit = 1;
      @tracepoint("syscalls", "sys_enter_write")
      run(): number {
        return 0;
      }
    }
    expect(probeSourceOf(Here)).toBe(fileURLToPath(import.meta.url));
  });

  it("throws LegacyDecoratorsError when called the experimentalDecorators way", () => {
    class Legacy extends Probe {
      run(): number {
        return 0;
      }
    }
    const descriptor = Object.getOwnPropertyDescriptor(Legacy.prototype, "run")!;
    const legacyCall = tracepoint("syscalls", "sys_enter_write") as unknown as (t: object, k: string, d: PropertyDescriptor) => void;
    expect(() => legacyCall(Legacy.prototype, "run", descriptor)).toThrow(LegacyDecoratorsError);
    expect(() => legacyCall(Legacy.prototype, "run", descriptor)).toThrow(/"experimentalDecorators": false/);
  });
});
