// The editor service's promises that the protocol tests cannot provoke: a compiler that throws or
// reports an internal error is logged and answered with nothing; a file without a probe class never
// reaches the compiler; an unchanged text is not checked again. And the import edits of the
// cast fix on an import that names the kind as a type only.
import type { checkSource } from "@tsbpf/compiler";
import { describe, expect, it } from "vitest";
import { ProbeService } from "./service.js";

const probe = `import { Probe, tracepoint, type u32, type i32, type SysEnterContext, bpf } from "tsbpf";
export class P extends Probe {
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(_ctx: SysEnterContext): i32 {
    const pid: u32 = bpf.getCurrentPidTgid() >> 32n;
    return 0;
  }
}
`;

function service(compile: typeof checkSource) {
  const logged: string[] = [];
  const calls: string[] = [];
  const s = new ProbeService((m) => logged.push(m), (file, text, options) => {
    calls.push(text);
    return compile(file, text, options);
  });
  return { s, logged, calls };
}

describe("ProbeService", () => {
  it("a compiler that throws: logged, no diagnostics, no fixes", () => {
    const { s, logged } = service(() => {
      throw new Error("boom");
    });
    expect(s.check("/p.bpf.ts", probe).diagnostics).toEqual([]);
    expect(s.fixes("/p.bpf.ts", probe, 0, probe.length)).toEqual([]);
    expect(logged.join("\n")).toMatch(/checking \/p\.bpf\.ts failed: Error: boom/);
  });

  it("an internal compiler error goes to the log, not under the user's code; other diagnostics stay", () => {
    const { s, logged } = service((file) => ({
      probeClasses: [], inputs: [file],
      diagnostics: [
        { code: 5999, category: "error", message: "internal compiler error: x", file, line: 1, column: 1, length: 1 },
        { code: 2001, category: "error", message: "a float", file, line: 5, column: 22, length: 3 },
        { code: 2001, category: "error", message: "in another file", file: "/other.ts", line: 1, column: 1, length: 1 },
      ],
    }));
    const { diagnostics } = s.check("/p.bpf.ts", probe);
    expect(diagnostics.map((d) => [d.code, d.source, probe.slice(d.start, d.start + d.length)])).toEqual([[2001, "tsbpf", "bpf"]]);
    expect(logged).toEqual(["internal compiler error on /p.bpf.ts: internal compiler error: x"]);
  });

  it("checks only files with a probe class, and each text once", () => {
    const { s, calls } = service((file) => ({ diagnostics: [], probeClasses: [], inputs: [file] }));
    s.check("/user.ts", `import { load } from "tsbpf";\nexport class Other extends Base {}\n`);
    expect(calls).toEqual([]);
    s.check("/p.bpf.ts", probe);
    s.check("/p.bpf.ts", probe);
    expect(s.check("/p.bpf.ts", probe).milliseconds).toBe(0);
    s.check("/p.bpf.ts", probe + "\n");
    expect(calls).toEqual([probe, probe + "\n"]);
  });

  it("the cast fix makes a type-only `u32` specifier a value import", () => {
    const start = probe.indexOf("pid: u32");
    const { s } = service((file) => ({
      probeClasses: [], inputs: [file],
      diagnostics: [{ code: 2322, source: "tsc", category: "error", message: "Type 'bigint' is not assignable to type 'u32'.", file, line: 5, column: 11, length: 3 }],
    }));
    const [fix, ...more] = s.fixes("/p.bpf.ts", probe, start, start + 3);
    expect(more).toEqual([]);
    let text = probe;
    for (const e of [...fix!.edits].sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.newText + text.slice(e.start + e.length);
    expect(text).toBe(probe
      .replace("type u32, type i32", "u32, type i32")
      .replace("const pid: u32 = bpf.getCurrentPidTgid() >> 32n;", "const pid: u32 = u32(bpf.getCurrentPidTgid() >> 32n);"));
  });
});

describe("ProbeService and the files a check read", () => {
  it("checks again when a file the probe imports changes on disk, though the probe's text did not", async () => {
    const { mkdtempSync, rmSync, utimesSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-service-"));
    try {
      const imported = join(dir, "sizes.ts");
      writeFileSync(imported, "export const N = 1;\n");
      const { s, calls } = service((file) => ({ diagnostics: [], probeClasses: [], inputs: [file, imported] }));
      s.check("/p.bpf.ts", probe);
      s.check("/p.bpf.ts", probe);
      expect(calls.length).toBe(1);
      utimesSync(imported, new Date(), new Date(Date.now() + 5_000));
      s.check("/p.bpf.ts", probe);
      expect(calls.length).toBe(2);
      rmSync(imported);
      s.check("/p.bpf.ts", probe);
      expect(calls.length).toBe(3);
      s.check("/p.bpf.ts", probe);
      expect(calls.length).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
