// bashreadline: lines typed into an interactive bash (on a pseudo-terminal made by script(1))
// come back from the uretprobe on readline, through load() and through `tsbpf run --json`.
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { BashReadline } from "../examples/bashreadline.bpf.ts";
import { PrintRet } from "../examples/eunomia/bashreadline.bpf.ts";
import { printkWhile } from "./support/printk.js";
import { attached, start } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { cliPath, example } from "./support/paths.js";

/** An interactive bash on a pty that reads `lines` (then exits); resolves with its output. */
function typeIntoBash(lines: string[]) {
  const bash = start("script", ["-qec", "bash --norc --noprofile -i", "/dev/null"]);
  bash.child.stdin.write(lines.map((l) => l + "\n").join("") + "exit\n");
  return bash.finished;
}

describeKernel("examples/bashreadline.bpf.ts", () => {

  it("reports each line bash reads, with bash's pid", async () => {
    await using probe = await load(BashReadline);
    probe.attach();
    const marker = `echo tsbpf-${randomUUID()}`;
    const typed = typeIntoBash([marker, "true second line"]);
    const lines: { pid: number; line: string }[] = [];
    for await (const event of probe.events.events({ signal: AbortSignal.timeout(10_000) })) {
      lines.push(event);
      if (event.line === "true second line") break;
    }
    await typed;
    const mine = lines.filter((e) => e.line === marker || e.line === "true second line");
    expect(mine.map((e) => e.line)).toEqual([marker, "true second line"]);
    expect(mine[0]!.pid).toBeGreaterThan(0);
    expect(mine[1]!.pid).toBe(mine[0]!.pid);
  });

  it("runs under `tsbpf run --json`", async () => {
    const run = start(process.execPath, [cliPath, "run", example("bashreadline.bpf.ts"), "--duration", "3", "--json"]);
    await attached(run);
    const marker = `echo tsbpf-cli-${randomUUID()}`;
    await typeIntoBash([marker]);
    const { stdout, stderr, code } = await run.finished;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ kind: "attached", probe: "BashReadline", links: 1 });
    expect(lines).toContainEqual({ kind: "event", map: "events", value: expect.objectContaining({ line: marker }) });
  });
});

// 002's printk bashreadline (examples/eunomia/bashreadline.bpf.ts): each line bash reads comes
// back as "PID <pid> (bash) read: <line> ", printed in bash's own context (the trace line's pid).
describeKernel("examples/eunomia/bashreadline.bpf.ts", () => {
  it("prints the pid, bash's comm and each line it reads", async () => {
    await using probe = await load(PrintRet);
    probe.attach();
    const marker = `echo tsbpf-${randomUUID()}`;
    const trace = await printkWhile(() => typeIntoBash([marker, "true second line"]));
    const mine = trace.filter((l) => / \(bash\) read: /.test(l.message) && (l.message.includes(marker) || l.message.includes("true second line")));
    expect(mine.map((l) => l.message)).toEqual([`PID ${mine[0]?.pid} (bash) read: ${marker} `, `PID ${mine[0]?.pid} (bash) read: true second line `]);
    expect(mine[0]!.comm).toBe("bash");
    expect(mine[1]!.pid).toBe(mine[0]!.pid);
  });
});
