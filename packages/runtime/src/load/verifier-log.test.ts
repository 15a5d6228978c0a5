import { describe, expect, it } from "vitest";
import { codeFrame, lineForInstruction, parseVerifierLog } from "./verifier-log.js";
import { verifierHint } from "./verifier-hints.js";

// A log as Linux 6.x prints it at log_level 1, with line info annotations.
const log = `func#0 @0
0: R1=ctx() R10=fp0
; const key: u32 = 0; @ counter.bpf.ts:10
0: (62) *(u32 *)(r10 -4) = 0          ; R10=fp0 fp-8=0000????
1: (bf) r2 = r10                      ; R2_w=fp0 R10=fp0
2: (07) r2 += -4                      ; R2_w=fp-4
; const v = this.counts.get(key)!; @ counter.bpf.ts:11
3: (18) r1 = 0xffff888105a4e000       ; R1_w=map_ptr(map=counts,ks=4,vs=8)
5: (85) call bpf_map_lookup_elem#1    ; R0_w=map_value_or_null(id=1,map=counts,ks=4,vs=8)
; v.hits += 1n; @ counter.bpf.ts:12
6: (b7) r1 = 1                        ; R1_w=1
7: (7b) *(u64 *)(r0 +0) = r1
R0 invalid mem access 'map_value_or_null'
processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
`;

describe("verifier log", () => {
  it("finds the failing instruction and the reason", () => {
    expect(parseVerifierLog(log)).toEqual({ reason: "R0 invalid mem access 'map_value_or_null'", instruction: 7 });
    expect(parseVerifierLog("")).toMatchObject({ instruction: undefined });
    expect(parseVerifierLog("invalid func info\n").reason).toBe("invalid func info");
  });

  it("maps instructions to the closest preceding line and frames it", () => {
    const lineInfo = [
      { instruction: 0, fileName: "c.ts", lineText: "a();", line: 1, column: 1 },
      { instruction: 4, fileName: "c.ts", lineText: "  b();", line: 2, column: 3 },
      { instruction: 9, fileName: "c.ts", lineText: "c();", line: 4, column: 1 },
    ];
    expect(lineForInstruction(lineInfo, 7)?.line).toBe(2);
    expect(lineForInstruction(lineInfo, 9)?.line).toBe(4);
    expect(codeFrame(lineInfo, lineInfo[1]!)).toBe(["  1 | a();", "> 2 |   b();", "    |   ^", "  4 | c();"].join("\n"));
  });

  it("has hints for the common complaints", () => {
    expect(verifierHint("R0 invalid mem access 'map_value_or_null'")).toMatch(/null/);
    expect(verifierHint("back-edge from insn 12 to 4")).toMatch(/loop/);
    expect(verifierHint("Unreleased reference id=2 alloc_insn=9")).toMatch(/submitted or discarded/);
    expect(verifierHint("something new")).toBeUndefined();
  });
});
