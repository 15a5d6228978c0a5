// Every helper of the running kernel's `enum bpf_func_id` (read from /sys/kernel/btf/vmlinux) has a
// typed declaration under `bpf.`, with the kernel's id in its @bpfHelper tag: generated ones in
// helpers.generated.ts, the compiler's special forms by hand in helpers.ts, loop.ts, find-vma.ts and kernel-types.ts. And the
// generated file is what scripts/gen-helpers.mjs writes from the header today.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LazyBtf } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { helperNames, overriddenHelpers } from "./helpers.js";

const dir = fileURLToPath(new URL(".", import.meta.url));
const VMLINUX = "/sys/kernel/btf/vmlinux";

/** `@bpfHelper N` tags and the method each is on, across the DSL's helper declaration files. */
function declaredIds(): Map<number, string> {
  const ids = new Map<number, string>();
  for (const file of ["helpers.generated.ts", "helpers.ts", "loop.ts", "find-vma.ts", "kernel-types.ts"]) {
    const text = readFileSync(`${dir}${file}`, "utf8");
    for (const m of text.matchAll(/@bpfHelper (\d+)\s*\n\s*\*\/\s*\n\s*(\w+)[<(]/g)) ids.set(Number(m[1]), m[2]!);
  }
  return ids;
}

function kernelHelpers(): Map<string, number> {
  const btf = LazyBtf.parse(new Uint8Array(readFileSync(VMLINUX)));
  const found = btf.findByName("bpf_func_id", "enum");
  if (!found || found.type.kind !== "enum") throw new Error("vmlinux BTF has no enum bpf_func_id");
  return new Map(found.type.values.map((v) => [v.name.replace(/^BPF_FUNC_/, ""), Number(v.value)]));
}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe("helper declarations", () => {
  it.skipIf(!existsSync(VMLINUX))("declare every helper of the running kernel's enum bpf_func_id under its id", () => {
    const declared = declaredIds();
    const missing: string[] = [];
    for (const [name, id] of kernelHelpers()) {
      if (name === "unspec" || name.startsWith("__")) continue;
      expect(helperNames[id], `helperNames[${id}]`).toBe(`bpf_${name}`);
      const method = declared.get(id);
      if (!method) missing.push(`${id} bpf_${name}`);
      else if (!overriddenHelpers.includes(`bpf_${name}`)) expect(method).toBe(camel(name));
    }
    expect(missing).toEqual([]);
  });

  it("the special forms are declared by hand", () => {
    const declared = declaredIds();
    expect(declared.get(6)).toBe("printk");
    expect(declared.get(16)).toBe("getCurrentComm");
    expect(declared.get(114)).toBe("probeReadUserStr");
    expect(declared.get(115)).toBe("probeReadKernelStr");
    expect(declared.get(181)).toBe("loop");
    expect(declared.get(180)).toBe("findVma");
    expect(declared.get(35)).toBe("getCurrentTask");
  });

  it("helpers.generated.ts is what the generator writes", () => {
    const out = execFileSync(process.execPath, [fileURLToPath(new URL("../../../../scripts/gen-helpers.mjs", import.meta.url)), "--check"], { encoding: "utf8" });
    expect(out).toMatch(/up to date \(\d+ helpers\)/);
  });
});
