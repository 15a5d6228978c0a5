// The helpers' minimum kernel versions (helpers.generated.ts, from bcc's docs/kernel-versions.md
// through scripts/helper-kernel-versions.json): every helper id has an entry, each version is
// the table's, the versions never go down along the enum's order (ids are given out as helpers
// are merged), and every generated declaration's doc comment (what an editor's hover shows)
// states its helper's entry, and so do the hand-written declarations of the helpers the compiler
// gives special forms.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { helperMinKernel, helperNames } from "./helpers.generated.js";

const table = JSON.parse(readFileSync(new URL("../../../../scripts/helper-kernel-versions.json", import.meta.url), "utf8")) as { helpers: Record<string, { kernel: string }> };
const ids = Object.keys(helperNames).map(Number).sort((a, b) => a - b);
const order = (v: string) => v.split(".").map(Number).reduce((major, minor) => major * 1000 + minor);

describe("helper → minimum kernel", () => {
  it("has an entry for every helper id of the enum (the DSL's `bpf.*` helpers and the hand-written forms)", () => {
    expect(ids.length).toBeGreaterThan(200);
    for (const id of ids) expect(Object.hasOwn(helperMinKernel, id), `id ${id}`).toBe(true);
  });

  it("gives the table's version wherever it gives one, and unknown only for a few", () => {
    const known = ids.filter((id) => helperMinKernel[id] !== undefined);
    for (const id of known) expect(helperMinKernel[id]).toBe(table.helpers[helperNames[id]!.slice(4)]!.kernel);
    expect(known.length).toBeGreaterThan(ids.length - 25);
    expect(helperMinKernel[14]).toBe("4.2"); // bpf_get_current_pid_tgid, with bpf_get_current_uid_gid and comm
  });

  it("never goes down along the enum's order", () => {
    let previous = 0;
    for (const id of ids) {
      const v = helperMinKernel[id];
      if (v === undefined) continue;
      expect(order(v), `id ${id} (${helperNames[id]}) ${v}`).toBeGreaterThanOrEqual(previous);
      previous = order(v);
    }
  });

  // The generated declarations and the hand-written ones (printk, loop, findVma, ...): every doc
  // comment tagged @bpfHelper states its helper's entry on the line before the tag.
  for (const file of ["helpers.generated.ts", "helpers.ts", "loop.ts", "find-vma.ts", "kernel-types.ts", "timer.ts"]) {
    it(`states it in each declaration's doc comment: ${file}`, () => {
      const text = readFileSync(new URL(`./${file}`, import.meta.url), "utf8");
      const docs = [...text.matchAll(/Minimum kernel: (Linux (\d+\.\d+)|unknown \(.*\))\.\n\s*\* @bpfHelper (\d+)/g)];
      const declared = [...text.matchAll(/^\s*\* @bpfHelper (\d+)/gm)].length;
      expect(declared).toBeGreaterThan(0);
      expect(docs.length).toBe(declared);
      for (const [, , version, id] of docs) expect(version).toBe(helperMinKernel[Number(id)]);
    });
  }
});
