// The flame graph SVG and the folded format, from known stacks: each frame as wide as its
// samples (a parent as wide as its children together), callers below callees, siblings in
// alphabetical order, names escaped; folded text parses back to what it was made from.
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { flameGraphSvg } from "./flamegraph.js";
import { foldedText, parseFolded } from "./folded.js";

const stacks = new Map<string, bigint>([
  ["app;main;work;compute", 60n],
  ["app;main;work;io_[k]", 20n],
  ["app;main;idle", 20n],
  ["other;a<b>&c", 100n],
]);

function frames(svg: string): Record<string, any>[] {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(svg);
  return ([] as Record<string, any>[]).concat(doc.svg.g).filter((g) => g.class === "frame");
}

describe("flameGraphSvg", () => {
  const svg = flameGraphSvg(stacks, "test");
  const all = frames(svg);
  const byName = (name: string) => all.find((g) => g["data-name"] === name)!;
  const width = (name: string) => Number(byName(name).rect.width);

  it("draws one frame per node of the stack tree, with the samples under it", () => {
    expect(all.map((g) => g["data-name"]).sort()).toEqual(["a<b>&c", "all", "app", "compute", "idle", "io_[k]", "main", "other", "work"].sort());
    expect(Number(byName("all")["data-samples"])).toBe(200);
    expect(Number(byName("work")["data-samples"])).toBe(80);
    expect(byName("a<b>&c").title).toBe("a<b>&c (100 samples, 50.00%)");
  });

  it("makes widths proportional to samples and places callees above callers", () => {
    expect(width("app")).toBeCloseTo(width("all") / 2, 1);
    expect(width("work")).toBeCloseTo(width("compute") + width("io_[k]"), 1);
    expect(width("main")).toBeCloseTo(width("work") + width("idle"), 1);
    expect(Number(byName("compute").rect.y)).toBeLessThan(Number(byName("work").rect.y));
    expect(Number(byName("main")["data-depth"])).toBe(2);
    // Siblings in alphabetical order: idle before work, app before other.
    expect(Number(byName("idle").rect.x)).toBeLessThan(Number(byName("work").rect.x));
    expect(Number(byName("app").rect.x)).toBeLessThan(Number(byName("other").rect.x));
    // Kernel frames are coloured apart (orange).
    expect(byName("io_[k]").rect.fill).toMatch(/^rgb\(2[3-5]\d,1[1-6]\d,/);
  });
});

describe("folded text", () => {
  it("writes one sorted line per stack and parses back", () => {
    const text = foldedText(stacks);
    expect(text.split("\n")[0]).toBe("app;main;idle 20");
    expect(parseFolded(text)).toEqual(stacks);
  });
});
