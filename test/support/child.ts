import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawns a process and collects its output; `finished` resolves when it exits. */
export function start(command: string, args: string[], env?: NodeJS.ProcessEnv): { child: ChildProcessWithoutNullStreams; finished: Promise<Finished>; stdout: () => string } {
  const child = spawn(command, args, env ? { env } : {});
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const finished = new Promise<Finished>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, finished, stdout: () => stdout };
}

/** Resolves once `predicate` holds, polling every 20 ms; rejects after `ms`. */
export async function until(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Waits until a `tsbpf run --json` child has printed its "attached" line (compiling can take a
 * while on a busy machine); fails at once with the child's output if it exits first.
 */
export async function attached(run: ReturnType<typeof start>, ms = 60_000): Promise<void> {
  let exited: Finished | undefined;
  void run.finished.then((f) => (exited = f));
  await until(() => run.stdout().includes('"kind":"attached"') || exited !== undefined, ms, "tsbpf run to attach");
  if (!run.stdout().includes('"kind":"attached"')) {
    throw new Error(`tsbpf run exited before attaching (code ${exited?.code}):\n${exited?.stderr}${exited?.stdout}`);
  }
}
