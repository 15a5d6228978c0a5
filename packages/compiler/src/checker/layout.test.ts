import { describe, expect, it } from "vitest";
import { layoutStruct, sizeOf } from "./layout.js";
import { intType, type Type } from "./types.js";

const chars = (n: number): Type => ({ tag: "array", element: intType("i8"), length: n, char: true });

describe("C struct layout", () => {
  it("pads members to their natural alignment and the size to the largest", () => {
    const stats = layoutStruct("Stats", [
      { name: "calls", type: intType("u64") },
      { name: "lastFd", type: intType("u32") },
      { name: "bytes", type: intType("u64") },
    ]);
    expect(stats.fields.map((f) => f.offset)).toEqual([0, 8, 16]);
    expect(stats.size).toBe(24);
    expect(stats.align).toBe(8);
  });

  it("lays out char arrays byte-aligned", () => {
    const event = layoutStruct("OpenEvent", [
      { name: "pid", type: intType("u32") },
      { name: "uid", type: intType("u32") },
      { name: "comm", type: chars(16) },
      { name: "filename", type: chars(256) },
    ]);
    expect(event.fields.map((f) => f.offset)).toEqual([0, 4, 8, 24]);
    expect(event.size).toBe(280);
    expect(event.align).toBe(4);
  });

  it("matches the kernel's trace_event_raw_sys_enter", () => {
    const entry = layoutStruct("trace_entry", [
      { name: "type", type: intType("u16") },
      { name: "flags", type: intType("u8") },
      { name: "preempt_count", type: intType("u8") },
      { name: "pid", type: intType("i32") },
    ]);
    expect(entry.size).toBe(8);
    const args: Type = { tag: "array", element: intType("u64"), length: 6, char: false };
    const ctx = layoutStruct("trace_event_raw_sys_enter", [
      { name: "ent", type: entry },
      { name: "id", type: intType("i64") },
      { name: "args", type: args },
    ]);
    expect(ctx.fields.map((f) => f.offset)).toEqual([0, 8, 16]);
    expect(sizeOf(ctx)).toBe(64);
  });

  it("inserts interior and tail padding", () => {
    const mixed = layoutStruct("Mixed", [
      { name: "a", type: intType("u8") },
      { name: "b", type: intType("u16") },
      { name: "c", type: intType("u8") },
      { name: "d", type: intType("u32") },
      { name: "e", type: intType("bool") },
    ]);
    expect(mixed.fields.map((f) => f.offset)).toEqual([0, 2, 4, 8, 12]);
    expect(mixed.size).toBe(16);
  });
});
