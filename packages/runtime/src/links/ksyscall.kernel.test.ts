// The function a ksyscall/kretsyscall program is attached to, against this kernel's /proc/kallsyms
// (read here independently): the x86-64 wrapper, whichever way the system call is named.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import "../sys/native.js";
import { describeKernel } from "../testing/kernel.js";
import { syscallFunction } from "./ksyscall.js";

const text = new Set(
  readFileSync("/proc/kallsyms", "utf8").split("\n").filter((l) => / [tT] /.test(l)).map((l) => l.split(/\s+/)[2]),
);

describeKernel("system call functions", () => {
  it.skipIf(process.arch !== "x64")("names the architecture's wrapper that kallsyms lists (__x64_sys_openat)", () => {
    expect(text.has("__x64_sys_openat")).toBe(true);
    for (const name of ["openat", "sys_openat", "__x64_sys_openat"]) expect(syscallFunction(name), name).toBe("__x64_sys_openat");
    expect(syscallFunction("unlinkat")).toBe("__x64_sys_unlinkat");
    expect(text.has(syscallFunction("unlinkat"))).toBe(true);
  });
});
