/**
 * Generated probes of one large method, for the scaling test and the bench (bench/scale.bench.mjs
 * writes the same shapes): `ifs` sequential `if (pid === i) return k;` blocks, or `statements`
 * straight-line updates of one local.
 */
export function bigMethod(shape: "ifs" | "statements", n: number, imports: string): string {
  const lines = [
    imports,
    "export class Big extends Probe {",
    '  @tracepoint("syscalls", "sys_enter_write")',
    "  onWrite(ctx: SysEnterContext): i32 {",
    "    const pid = u32(bpf.getCurrentPidTgid() >> 32n);",
    "    let acc: u32 = 0;",
  ];
  for (let i = 0; i < n; i++) {
    lines.push(shape === "ifs" ? `    if (pid === ${i}) return ${i % 100};` : `    acc = acc ^ (pid + ${i % 89});`);
  }
  lines.push("    return acc === 7 ? 1 : 0;", "  }", "}", "");
  return lines.join("\n");
}
