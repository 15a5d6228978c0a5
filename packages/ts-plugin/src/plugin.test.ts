// The tsserver plugin through tsserver's own protocol: a real tsserver process (the one editors
// run) opens an example in a project whose tsconfig.json is `tsbpf init`'s (which names the
// plugin), each error of testing/scenarios.ts is typed in, and the diagnostics tsserver reports,
// the quick fixes it offers and the result of applying one are checked.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TsServer, type CodeEdit, type CodeFix, type Location, type ServerDiagnostic } from "./testing/tsserver.js";
import { testProject, type TestProject } from "./testing/project.js";
import { edited, exampleText, expectedStart, lineColumn, scenarios } from "./testing/scenarios.js";

let project: TestProject;
let server: TsServer;
/** The text tsserver holds, as this test changed it. */
let current = exampleText;

const location = (text: string, offset: number): Location => {
  const { line, column } = lineColumn(text, offset);
  return { line, offset: column };
};
const offsetOf = (text: string, at: Location): number => {
  const lines = text.split("\n");
  return lines.slice(0, at.line - 1).reduce((sum, l) => sum + l.length + 1, 0) + at.offset - 1;
};

/** Sends edits (in the current text's coordinates) to tsserver and applies them to `current`. */
async function change(edits: CodeEdit[]): Promise<void> {
  await server.notify("updateOpen", { changedFiles: [{ fileName: project.probe, textChanges: edits }] });
  // tsserver applies a request's changes last first; so do we.
  const sorted = [...edits].sort((a, b) => offsetOf(current, b.start) - offsetOf(current, a.start));
  let text = current;
  for (const e of sorted) text = text.slice(0, offsetOf(current, e.start)) + e.newText + text.slice(offsetOf(current, e.end));
  current = text;
}

/** Replaces the whole text. */
const replaceAll = (text: string) => change([{ start: { line: 1, offset: 1 }, end: location(current, current.length), newText: text }]);

const sourceOf = (d: ServerDiagnostic) => d.source ?? "tsc";

beforeAll(async () => {
  project = testProject();
  server = new TsServer(process.env.TSBPF_TSSERVER_LOG);
  // tsserver loads the project here, tsbpf/vmlinux's declarations (9 MB) included: seconds, more on a busy machine.
  await server.notify("open", { file: project.probe, fileContent: exampleText, projectRootPath: project.dir });
}, 240_000);

afterAll(async () => {
  await server?.close();
  project?.remove();
});

describe("the tsserver plugin", () => {
  test("the example as it is: no diagnostics", async () => {
    expect(await server.semanticDiagnostics(project.probe)).toEqual([]);
  }, 120_000);

  for (const scenario of scenarios) {
    test(`${scenario.name}: reported where it is${scenario.fix ? ", fixed by its quick fix" : ""}, gone when undone`, async () => {
      await replaceAll(edited(scenario));
      const start = expectedStart(scenario, current);
      const diagnostics = await server.semanticDiagnostics(project.probe);
      const found = diagnostics.find((d) => d.code === scenario.code && sourceOf(d) === scenario.source);
      expect(found, JSON.stringify(diagnostics)).toBeDefined();
      expect(found!.start).toEqual(location(current, start));
      expect(found!.end).toEqual(location(current, start + scenario.length));
      expect(found!.text).toMatch(scenario.message);
      if (scenario.source === "tsbpf") {
        expect(found!.text.startsWith(`TSBPF${scenario.code}: `)).toBe(true);
        expect(found!.category).toBe("error");
      }

      if (scenario.fix) {
        const fixes = await server.request<CodeFix[]>("getCodeFixes", {
          file: project.probe, startLine: found!.start.line, startOffset: found!.start.offset,
          endLine: found!.end.line, endOffset: found!.end.offset, errorCodes: [scenario.code],
        });
        const fix = fixes.find((f) => scenario.fix!.title.test(f.description));
        expect(fix, JSON.stringify(fixes.map((f) => f.description))).toBeDefined();
        expect(fix!.changes.map((c) => c.fileName)).toEqual([project.probe]);
        await change(fix!.changes[0]!.textChanges);
        if (scenario.fix.restores) expect(current).toBe(exampleText);
        // tsbpf's and tsc's diagnostics alike are gone: the fix compiles.
        expect(await server.semanticDiagnostics(project.probe)).toEqual([]);
      }

      await replaceAll(exampleText);
      expect(await server.semanticDiagnostics(project.probe)).toEqual([]);
    }, 60_000);
  }

  test("a helper's hover names its minimum kernel (or says it is unknown)", async () => {
    // bpf_ktime_get_boot_ns: bcc's table contradicts the enum order around it (helpers.generated.ts).
    await replaceAll(exampleText.replace("const pid = u32(bpf.getCurrentPidTgid() >> 32n);", "const pid = u32(bpf.getCurrentPidTgid() >> 32n);\n    bpf.ktimeGetBootNs();"));
    const hover = async (name: string) => {
      const at = location(current, current.indexOf(`bpf.${name}(`) + 4);
      return (await server.request<{ documentation: string }>("quickinfo", { file: project.probe, line: at.line, offset: at.offset })).documentation;
    };
    expect(await hover("getCurrentPidTgid")).toContain("Minimum kernel: Linux 4.2.");
    expect(await hover("printk")).toContain("Minimum kernel: Linux 4.1."); // hand-written (dsl/helpers.ts)
    expect(await hover("ktimeGetBootNs")).toMatch(/Minimum kernel: unknown \(bcc's kernel-versions\.md gives .* one of the two is wrong\)/);
    await replaceAll(exampleText);
  }, 60_000);

  test("tsserver lists tsbpf's fixable codes among the supported ones", async () => {
    const codes = await server.request<string[]>("getSupportedCodeFixes", { file: project.probe });
    expect(codes).toEqual(expect.arrayContaining(["3002", "2304", "2322"]));
  });
});

describe("the tsserver plugin where Node cannot require() ES modules", () => {
  // Node before 20.19 and 22.12 (older editors' tsserver): the plugin imports the compiler
  // asynchronously and then has tsserver refresh; the diagnostics come once it has.
  test("tsbpf's diagnostics appear after the asynchronous load", async () => {
    const other = testProject();
    const old = new TsServer(undefined, ["--no-experimental-require-module"]);
    try {
      const float = scenarios.find((s) => s.code === 2001)!;
      const text = edited(float);
      await old.notify("open", { file: other.probe, fileContent: text, projectRootPath: other.dir });
      let found: ServerDiagnostic | undefined;
      for (let i = 0; i < 100 && !found; i++) {
        found = (await old.semanticDiagnostics(other.probe)).find((d) => d.source === "tsbpf");
        if (!found) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(found?.code).toBe(2001);
      expect(found!.start).toEqual(location(text, expectedStart(float, text)));
    } finally {
      await old.close();
      other.remove();
    }
  }, 240_000);
});
