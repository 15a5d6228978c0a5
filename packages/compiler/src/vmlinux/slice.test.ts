// The vmlinux slice: the shipped tsbpf/vmlinux indexes with the generator's layout (kept whole it
// renders to the same bytes), and a slice holds what a program's words reach and no more.
import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { DSL_KERNEL_TYPES, indexVmlinux, reach, renderSlice, wordsOf, type Slice } from "./slice.js";

const shipped = readFileSync(new URL("../../../tsbpf/vmlinux/x86_64.d.ts", import.meta.url), "utf8");
const index = indexVmlinux(shipped)!;

function everything(): Slice {
  const members = new Map<string, Set<number>>();
  for (const [table, { members: list }] of index.tables) members.set(table, new Set(list.map((_, i) => i)));
  return { declarations: new Set(index.declarations.map((_, i) => i)), members };
}

it("indexes the shipped file, which renders whole to the same text", () => {
  expect(index).toBeDefined();
  expect(index.declarations.length).toBeGreaterThan(10_000);
  expect([...index.tables.keys()]).toEqual(["KernelTypes", "KernelFunctions", "KernelTracepoints"]);
  expect(renderSlice(index, everything()) === shipped).toBe(true);
});

it("keeps the named declarations, what they reach, and the table members the program names", () => {
  const words = wordsOf(`import type { task_struct } from "tsbpf/vmlinux"; @fentry("do_unlinkat") @tp_btf("sched_switch")`);
  const text = renderSlice(index, reach(index, words));
  expect(text.length).toBeLessThan(shipped.length / 5);
  expect(text).toMatch(/^export interface task_struct \{$/m);
  expect(text).toMatch(/^export interface mm_struct \{$/m); // task_struct.mm reaches it
  expect(text).toMatch(/^ {4}do_unlinkat\(/m);
  expect(text).toMatch(/^ {4}sched_switch\(/m);
  expect(text).toMatch(/^ {4}task_struct: task_struct;$/m);
  expect(text).toMatch(/^export interface filename \{$/m); // do_unlinkat's parameter type
  expect(text).not.toMatch(/^ {4}do_rmdir\(/m);
  expect(text).not.toMatch(/^export interface DecodeRasMessage|^export interface RasMessage \{$/m);
});

it("declines a file without the generator's layout", () => {
  expect(indexVmlinux("export interface x {}\n")).toBeUndefined();
  expect(indexVmlinux(shipped.replace(/\n {2}interface KernelTracepoints \{\n/, "\n"))).toBeUndefined();
});

it("always keeps the kernel types the DSL's own declarations name (KernelType<\"...\">), which no probe source mentions", () => {
  const dsl = new URL("../../../tsbpf/src/dsl/", import.meta.url);
  const named = new Set<string>();
  for (const file of readdirSync(dsl).filter((f) => f.endsWith(".ts"))) {
    for (const [, name] of readFileSync(new URL(file, dsl), "utf8").matchAll(/KernelType<"(\w+)">/g)) named.add(name!);
  }
  expect(named.size).toBeGreaterThan(0);
  expect([...named].sort()).toEqual([...DSL_KERNEL_TYPES].sort());
});
