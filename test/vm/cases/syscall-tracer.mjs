// Seed 003's KubeArmor-style tracer (examples/syscall-tracer.bpf.ts) on its seed's own hooks,
// kprobes and kretprobes on the system call functions (issue 12): the object is compiled on the
// host (syscall-tracer.o); here its bare `@ksyscall()`/`@kretsyscall()` programs are attached to
// the calls they trace (as examples/syscall-tracer.ts's attachKprobes does; the tracepoint
// programs stay unattached). This process opens a file it made and one that does not exist,
// connects a UDP socket to a loopback port and runs /bin/true; the raw records go back to the host,
// which decodes them with the example's decoder (examples/syscall-tracer.ts) and checks every
// field against what is reported here (test/other-kernel.test.ts).
import { spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { scratch, WAIT_MS } from "../harness.mjs";

/** Program → the system call it traces (examples/syscall-tracer.ts, attachKprobes). */
const kprobes = {
  kprobeOpenat: "openat", kretprobeOpenat: "openat", kprobeSocket: "socket", kretprobeSocket: "socket",
  kprobeConnect: "connect", kretprobeConnect: "connect", kprobeExecve: "execve",
};

async function tracerRecords(object) {
  const events = object.map("sys_events");
  const records = [];
  const drain = () => events.consumeRaw((bytes) => records.push(Buffer.from(bytes).toString("hex")));
  drain(); // the per-CPU rings open before anything is traced
  const file = `${scratch}-tracer`;
  writeFileSync(file, "x");
  const fd = openSync(file, "r");
  closeSync(fd);
  let absent = "opened";
  try {
    closeSync(openSync(`${scratch}-absent`, "r"));
  } catch (error) {
    absent = error.code;
  }
  unlinkSync(file);
  const port = 40000 + (process.pid % 20000);
  const udp = createSocket("udp4");
  await new Promise((resolve, reject) => udp.connect(port, "127.0.0.1", (error) => (error ? reject(error) : resolve())));
  udp.close();
  const child = spawnSync("/bin/true");
  // Perf records arrive asynchronously: wait until half a second passes without one (or WAIT_MS).
  const deadline = Date.now() + WAIT_MS;
  let seen = -1;
  while (Date.now() < deadline && (records.length < 4 || records.length !== seen)) {
    seen = records.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    drain();
  }
  return {
    checks: [
      { what: "the open of a missing file failed", expected: "ENOENT", actual: absent },
      { what: "/bin/true ran", expected: 0, actual: child.status },
      { what: "perf records lost", expected: 0n, actual: events.lost },
    ],
    data: {
      caller: { hostPid: process.pid, hostPpid: process.ppid, uid: process.getuid(), comm: readFileSync("/proc/self/comm", "utf8").trim() },
      file, fd, port, childPid: child.pid, records,
    },
  };
}

/** The cases, in the order the guest runs them. */
export const syscallTracerCases = [
  {
    name: "003 syscall tracer on kprobes/kretprobes",
    object: "syscall-tracer.o",
    body: tracerRecords,
    options: {
      config: { targetPid: process.pid },
      attach: (object) => {
        for (const [program, syscall] of Object.entries(kprobes)) object.adopt(object.programs.get(program).attach({ syscall }));
      },
    },
  },
];
