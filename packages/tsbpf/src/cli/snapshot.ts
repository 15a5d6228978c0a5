/**
 * `tsbpf snapshot`: builds the compiler snapshot now (compiler-snapshot.ts), for a machine image
 * or a CI cache that should start compiling fast from its first compile on. Warmed up with the
 * given probe files (their tsconfig's lib files and their declarations get parsed into it), or
 * with a small probe in the current folder.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSnapshot, type WarmupProbe } from "../compiler-snapshot.js";

/** What a probe file usually uses: the DSL, a map, an event ring and a tracepoint. */
const warmupProbe = `import { HashMap, Probe, RingBuf, bpf, tracepoint, u32, type i32, type u64, type SysEnterContext } from "tsbpf";
interface Event { pid: u32; bytes: u64 }
export class Warmup extends Probe {
  counts = new HashMap<u32, u64>({ maxEntries: 16 });
  events = new RingBuf<Event>({ size: 4096 });
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    this.counts.increment(pid);
    this.events.output({ pid, bytes: ctx.args[2] });
    return 0;
  }
}
`;

export async function snapshot(files: string[], io: { stdout: NodeJS.WritableStream }): Promise<void> {
  const sourceRoot = process.cwd();
  const warmup: WarmupProbe[] = files.length
    ? files.map((f) => ({ file: resolve(f), text: readFileSync(f, "utf8"), sourceRoot }))
    : [{ file: join(sourceRoot, "__tsbpf_snapshot_warmup__.bpf.ts"), text: warmupProbe, sourceRoot }];
  const path = await buildSnapshot(warmup);
  io.stdout.write(`${path}\n`);
}
