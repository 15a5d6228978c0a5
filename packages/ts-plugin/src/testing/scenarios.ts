/**
 * Errors introduced into an example probe (examples/unlink.bpf.ts), each by one edit, with what
 * the editor must then report: the code, where (the first occurrence of `at` in the edited text,
 * and the span's length) and words of the message. Shared by the tsserver plugin's and the
 * language server's tests, which introduce them through their protocols.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const examplePath = fileURLToPath(new URL("../../../../examples/unlink.bpf.ts", import.meta.url));
export const exampleText = readFileSync(examplePath, "utf8");

export interface Edit {
  /** The text replaced (its first occurrence) and what replaces it. */
  find: string;
  replace: string;
}

export interface Scenario {
  name: string;
  edit: Edit;
  code: number;
  source: "tsbpf" | "tsc";
  /** Where the diagnostic starts: this text's first occurrence after the edit (after `after`, when given). */
  at: string;
  after?: string;
  length: number;
  message: RegExp;
  /** The title of the quick fix expected for it, and the text the fix restores (the example's own). */
  fix?: { title: RegExp; restores: boolean };
}

const enter = "    const pid = u32(bpf.getCurrentPidTgid() >> 32n);\n    const file: UnlinkEvent";

export const scenarios: Scenario[] = [
  {
    name: "a closure (TSBPF1001)",
    edit: { find: enter, replace: "    const twice = (n: u32) => n * 2;\n" + enter },
    code: 1001, source: "tsbpf", at: "(n: u32) => n * 2", length: "(n: u32) => n * 2".length, message: /closures .* not supported/,
  },
  {
    name: "a float (TSBPF2001)",
    edit: { find: enter, replace: "    let ratio = 1.5;\n" + enter },
    code: 2001, source: "tsbpf", at: "1.5", length: 3, message: /not an integer/,
  },
  {
    name: "recursion (TSBPF1025)",
    edit: {
      find: '  @fentry("do_unlinkat")\n  enter(dfd: i32, name: Ptr<filename>): i32 {\n',
      replace: '  depth(n: u32): u32 {\n    return n === 0 ? 0 : this.depth(n - 1);\n  }\n\n  @fentry("do_unlinkat")\n  enter(dfd: i32, name: Ptr<filename>): i32 {\n    this.depth(3);\n',
    },
    code: 1025, source: "tsbpf", at: "this.depth(n - 1)", length: "this.depth(n - 1)".length, message: /recursi/,
  },
  {
    name: "a stack over 512 bytes (TSBPF5001)",
    edit: {
      find: '    bpf.printk("unlink pid=%d file=%s", pid, file.name);\n',
      replace: '    bpf.printk("unlink pid=%d file=%s", pid, file.name);\n' +
        '    const a: UnlinkEvent = { pid, ret: 1n, name: "" };\n    const b: UnlinkEvent = { pid, ret: 2n, name: "" };\n' +
        "    bpf.probeReadKernelStr(a.name, name.name);\n    bpf.probeReadKernelStr(b.name, name.name);\n" +
        "    this.events.output(a, 0n);\n    this.events.output(b, 0n);\n    this.events.output(file, 0n);\n",
    },
    code: 5001, source: "tsbpf", at: "enter(dfd", length: "enter".length, message: /the program 'enter' needs \d+ bytes of stack; BPF allows 512/,
  },
  {
    name: "a hook parameter of the wrong kind (TSBPF3002)",
    edit: { find: "enter(dfd: i32, name: Ptr<filename>): i32 {\n    const pid", replace: "enter(dfd: u64, name: Ptr<filename>): i32 {\n    const pid" },
    code: 3002, source: "tsbpf", at: "u64, name", length: 3, message: /'u64' is not the type of argument 1 of the kernel function do_unlinkat/,
    fix: { title: /Declare 'dfd: i32'/, restores: true },
  },
  {
    name: "a hook parameter without its annotation (TSBPF3002)",
    edit: { find: "exit(dfd: i32, name: Ptr<filename>, ret: i32): i32 {\n    // Reserved", replace: "exit(dfd: i32, name, ret: i32): i32 {\n    // Reserved" },
    code: 3002, source: "tsbpf", at: "name, ret", length: 4, message: /the parameter 'name' needs the type of argument 2 of the kernel function do_unlinkat/,
    fix: { title: /Declare 'name: Ptr<filename>'/, restores: true },
  },
  {
    name: "a narrowing without a cast (tsc's TS2322)",
    edit: { find: "const pid = u32(bpf.getCurrentPidTgid() >> 32n);\n    const file", replace: "const pid: u32 = bpf.getCurrentPidTgid() >> 32n;\n    const file" },
    code: 2322, source: "tsc", at: "pid: u32 =", length: 3, message: /Type 'bigint' is not assignable to type 'u32'/,
    fix: { title: /Convert with u32\(…\)/, restores: false },
  },
  {
    name: "a kernel type without its import (tsc's TS2304)",
    edit: { find: 'import type { filename } from "tsbpf/vmlinux";\n', replace: "" },
    code: 2304, source: "tsc", at: "filename>", length: "filename".length, message: /Cannot find name 'filename'/,
    fix: { title: /Import type 'filename' from "tsbpf\/vmlinux"/, restores: true },
  },
];

/** The example with the scenario's edit made. */
export function edited(scenario: Scenario, text = exampleText): string {
  const at = text.indexOf(scenario.edit.find);
  if (at < 0) throw new Error(`${scenario.name}: the example no longer has ${JSON.stringify(scenario.edit.find)}`);
  return text.slice(0, at) + scenario.edit.replace + text.slice(at + scenario.edit.find.length);
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** Where the scenario's diagnostic must start in the edited text. */
export function expectedStart(scenario: Scenario, text: string): number {
  const from = scenario.after ? text.indexOf(scenario.after) : 0;
  const at = text.indexOf(scenario.at, from);
  if (at < 0) throw new Error(`${scenario.name}: ${JSON.stringify(scenario.at)} not in the edited text`);
  return at;
}
