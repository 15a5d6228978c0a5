// The hook table: each program decorator names its section, checks its arguments and says whether
// the program may write its context.
import { describe, expect, it } from "vitest";
import { compileText } from "../testing/probes.js";

const HEADER = 'import { Probe, bpf, syscall, rawTracepoint, tracepoint, kprobeMulti, kretprobeMulti, u32, i32, type PtRegs, type RawTracepointArgs, type SysEnterContext } from "tsbpf";\n' +
  "interface Io { a: u32; b: u32 }\n";

function compile(member: string) {
  const result = compileText(`${HEADER}export class P extends Probe {\n${member}\n}\n`);
  return {
    sections: result.probes.flatMap((p) => p.spec.programs.map((q) => q.section)),
    errors: result.diagnostics.filter((d) => d.category === "error").map((d) => `TSBPF${d.code}: ${d.message}`),
  };
}

describe("program decorators", () => {
  it("@syscall names the syscall section, and its context is writable", () => {
    const r = compile("  @syscall\n  run(ctx: Io): i32 { ctx.b = ctx.a; return 0; }");
    expect(r.errors).toEqual([]);
    expect(r.sections).toEqual(["syscall"]);
  });

  it("@rawTracepoint(name) names raw_tp/<name>, and its arguments are read-only", () => {
    expect(compile('  @rawTracepoint("sched_switch")\n  run(ctx: RawTracepointArgs): i32 { return i32(ctx.args[0]); }')).toEqual({
      sections: ["raw_tp/sched_switch"],
      errors: [],
    });
    const r = compile('  @rawTracepoint("sched_switch")\n  run(ctx: RawTracepointArgs): i32 { ctx.args[0] = 1n; return 0; }');
    expect(r.errors.join("\n")).toMatch(/TSBPF2012: .*read-only/);
  });

  it("a tracepoint's context stays read-only", () => {
    const r = compile('  @tracepoint("syscalls", "sys_enter_write")\n  run(ctx: SysEnterContext): i32 { ctx.id = 1n; return 0; }');
    expect(r.errors.join("\n")).toMatch(/TSBPF2012: .*read-only/);
  });

  it("wrong decorator arguments are TSBPF3005 with an example", () => {
    expect(compile("  @rawTracepoint(\"a b\")\n  run(ctx: RawTracepointArgs): i32 { return 0; }").errors).toEqual([
      "TSBPF3005: these are not the arguments of @rawTracepoint",
    ]);
    expect(compile('  @tracepoint("syscalls", "")\n  run(ctx: SysEnterContext): i32 { return 0; }').errors).toEqual([
      "TSBPF3005: these are not the arguments of @tracepoint",
    ]);
  });

  it("@kprobeMulti/@kretprobeMulti(glob) name kprobe.multi/<glob>, kretprobe.multi/<glob>; registers are read-only", () => {
    expect(compile('  @kprobeMulti("do_unlink*")\n  a(ctx: PtRegs): i32 { return 0; }\n  @kretprobeMulti("vfs_rea?")\n  b(ctx: PtRegs): i32 { return 0; }')).toEqual({
      sections: ["kprobe.multi/do_unlink*", "kretprobe.multi/vfs_rea?"],
      errors: [],
    });
    expect(compile('  @kprobeMulti("do_unlinkat")\n  a(ctx: PtRegs): i32 { ctx.di = 1n; return 0; }').errors.join("\n")).toMatch(/TSBPF2012: .*read-only/);
  });

  it("bpf.getFuncIp/getAttachCookie take the program's context parameter itself", () => {
    expect(compile('  @kprobeMulti("do_unlink*")\n  a(ctx: PtRegs): i32 { return i32(bpf.getFuncIp(ctx) + bpf.getAttachCookie(ctx)); }').errors).toEqual([]);
    const r = compile('  @kprobeMulti("do_unlink*")\n  a(ctx: PtRegs): i32 { const other = ctx; return i32(bpf.getFuncIp(other)); }');
    expect(r.errors).toEqual(["TSBPF4008: bpf.getFuncIp() takes the program's context parameter"]);
  });

  it("a missing or invalid kprobe.multi pattern is TSBPF3005", () => {
    // A missing argument or a number is also a tsc error; the compiler reports its own TSBPF3005.
    for (const args of ["", '"do unlink"', '"a/b"', '""', '"do_unlink*", "x"', "1"]) {
      for (const decorator of ["kprobeMulti", "kretprobeMulti"]) {
        const errors = compile(`  @${decorator}(${args})\n  a(ctx: PtRegs): i32 { return 0; }`).errors;
        expect([args, errors.filter((e) => e.startsWith("TSBPF3005"))]).toEqual([args, [`TSBPF3005: these are not the arguments of @${decorator}`]]);
      }
    }
  });

  it("a context that is not a struct is TSBPF3002", () => {
    expect(compile("  @syscall\n  run(ctx: u32): i32 { return 0; }").errors[0]).toMatch(/^TSBPF3002: the context must be a struct type/);
  });
});
