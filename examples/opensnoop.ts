// User space for opensnoop: load the probe, attach it, and print typed events.
//   npx tsx examples/opensnoop.ts [seconds]
import { load } from "tsbpf";
import { OpenSnoop } from "./opensnoop.bpf.ts";

const seconds = Number(process.argv[2] ?? 5);
await using snoop = await load(OpenSnoop);
snoop.attach();
const stop = AbortSignal.timeout(seconds * 1000);
console.log("PID     UID    COMM             FILE");
for await (const event of snoop.events.events({ signal: stop })) {
  // tsc checks these: pid and uid are numbers, comm and filename strings.
  const pid: number = event.pid;
  const name: string = event.filename;
  console.log(`${String(pid).padEnd(7)} ${String(event.uid).padEnd(6)} ${event.comm.padEnd(16)} ${name}`);
}
