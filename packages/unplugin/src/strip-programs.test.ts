import { expect, it } from "vitest";
import { stripProgramBodies } from "./strip-programs.js";

const source = `// Übersicht: non-ASCII before the class, so that byte and character offsets differ
import { Probe, tracepoint, type i32 } from "tsbpf";

export class Counter extends Probe {
  @tracepoint("syscalls", "sys_enter_getpid")
  onGetpid(): i32 {
    const s = "é";
    return 0;
  }
  helper(): i32 { return 1; }
  #hidden(): i32 {
    return 2;
  }
  static describe(): string {
    return "user space";
  }
}

class Other extends Probe {
  kept(): i32 { return 3; }
}

export function userSpace(): number {
  return 4;
}
`;

it("replaces the instance methods of the named probe classes with a throw, keeping every line", () => {
  const out = stripProgramBodies(source, "counter.bpf.ts", new Set(["Counter"]));
  expect(out.split("\n")).toHaveLength(source.split("\n").length);
  expect(out).toContain(`onGetpid(): i32 { throw new Error("tsbpf: Counter.onGetpid is BPF code: it runs in the kernel, not in user space");`);
  expect(out).toContain(`helper(): i32 { throw new Error("tsbpf: Counter.helper is BPF code`);
  expect(out).toContain(`#hidden(): i32 { throw new Error("tsbpf: Counter.#hidden is BPF code`);
  expect(out).not.toContain(`const s = "é"`);
  // Static methods, other classes and functions are user space or not this probe's: untouched.
  expect(out).toContain(`return "user space";`);
  expect(out).toContain(`kept(): i32 { return 3; }`);
  expect(out).toContain(`return 4;`);
  // Lines after the edits stay where they were.
  const line = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle));
  expect(line(out, "static describe")).toBe(line(source, "static describe"));
  expect(line(out, "export function userSpace")).toBe(line(source, "export function userSpace"));
});

it("leaves a module without the named classes as it is", () => {
  expect(stripProgramBodies(source, "counter.bpf.ts", new Set(["Missing"]))).toBe(source);
});
