// Seed 003's tracer (examples/syscall-tracer.bpf.ts) with its decoder (examples/syscall-tracer.ts):
// the test opens a file it made, opens one that does not exist, makes a UDP socket and connects it
// to a loopback address, connects a Unix stream socket to a listening path, and runs /bin/true,
// then checks every decoded record against what it caused: the pid, ppid, uid and comm of the
// caller, the system call's number, the arguments (dfd, path and flags; domain and type; fd and
// socket address; the executed file), the return value (the fd the test got), and that the
// failed open (-ENOENT) is dropped as the seed drops it.
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createSocket } from "node:dgram";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { SYS_CONNECT, SYS_EXECVE, SYS_OPENAT, SYS_SOCKET, SyscallTracer } from "../examples/syscall-tracer.bpf.ts";
import { decodeRecord, type SyscallRecord } from "../examples/syscall-tracer.ts";
import { start, until } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";

const AT_FDCWD = -100;
const AF_UNIX = 1;
const AF_INET = 2;
const SOCK_DGRAM = 2;

describeKernel("the KubeArmor-style syscall tracer (seed 003) on sys_enter/sys_exit tracepoints", () => {
  it("reports open, socket, connect and execve with their typed arguments and results", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbpf-tracer-"));
    const file = join(dir, "present");
    writeFileSync(file, "x");
    await using tracer = await load(SyscallTracer, { config: { targetPid: process.pid } });
    const records: SyscallRecord[] = [];
    const drain = (): void => void tracer.sys_events.consumeRaw((bytes) => records.push(decodeRecord(Uint8Array.from(bytes))));
    drain(); // opens the per-CPU rings before anything fires
    tracer.attach();
    try {
      // open(2): a file that exists, then one that does not (-ENOENT: dropped, as the seed does).
      const fd = openSync(file, "r");
      closeSync(fd);
      expect(() => openSync(join(dir, "absent"), "r")).toThrow();

      // socket(2) and connect(2) of a UDP socket to a loopback address.
      const udp = createSocket("udp4");
      const port = 40000 + (process.pid % 20000);
      await new Promise<void>((resolve, reject) => udp.connect(port, "127.0.0.1", (error?: Error) => (error ? reject(error) : resolve())));
      udp.close();

      // connect(2) of a Unix stream socket to a listening path.
      const path = join(dir, "socket");
      const server = createServer((s) => s.destroy());
      await new Promise<void>((resolve) => server.listen(path, resolve));
      const client = connect(path);
      await new Promise<void>((resolve, reject) => { client.on("connect", resolve); client.on("error", reject); });
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));

      // execve(2) in a child.
      const child = start("/bin/true", []);
      await child.finished;
      const childPid = child.child.pid!;

      const opens = () => records.filter((r) => r.eventId === SYS_OPENAT && r.args.some((a) => a.type === "string" && a.value.startsWith(dir)));
      const connects = () => records.filter((r) => r.eventId === SYS_CONNECT);
      await until(() => { drain(); return opens().length > 0 && connects().length >= 2 && records.some((r) => r.eventId === SYS_EXECVE && r.hostPid === childPid); }, 10_000, "the tracer's records");

      const comm = readFileSync("/proc/self/comm", "utf8").trim();
      const caller = { hostPid: process.pid, pid: process.pid, hostPpid: process.ppid, ppid: process.ppid, uid: process.getuid!(), comm };

      // openat(AT_FDCWD, file, O_RDONLY | O_CLOEXEC) = fd; the failed open is not reported.
      expect(opens()).toEqual([expect.objectContaining({
        ...caller, argnum: 3, retval: BigInt(fd),
        args: [{ type: "int", value: AT_FDCWD }, { type: "string", value: file }, { type: "openFlags", value: constants.O_RDONLY | 0o2000000 }],
      })]);

      // connect(fd, { AF_INET, 127.0.0.1, port }) = 0, and connect(fd, { AF_UNIX, path }) = 0.
      const inet = connects().filter((r) => r.args[1]?.type === "sockaddr" && r.args[1].family === AF_INET);
      expect(inet).toEqual([expect.objectContaining({ ...caller, argnum: 2, retval: 0n, args: [{ type: "int", value: expect.any(Number) }, { type: "sockaddr", family: AF_INET, address: "127.0.0.1", port }] })]);
      const unix = connects().filter((r) => r.args[1]?.type === "sockaddr" && r.args[1].family === AF_UNIX);
      expect(unix).toEqual([expect.objectContaining({ ...caller, argnum: 2, retval: 0n, args: [{ type: "int", value: expect.any(Number) }, { type: "sockaddr", family: AF_UNIX, path }] })]);

      // socket(AF_INET, SOCK_DGRAM | flags, 0) = the descriptor the UDP connect then used.
      const udpFd = (inet[0]!.args[0] as { value: number }).value;
      const udpSocket = records.filter((r) => r.eventId === SYS_SOCKET && r.retval === BigInt(udpFd) && r.ts < inet[0]!.ts && (r.args[0] as { value: number }).value === AF_INET);
      expect(udpSocket).toHaveLength(1);
      expect(udpSocket[0]).toMatchObject({ ...caller, argnum: 3 });
      const [domain, type, protocol] = udpSocket[0]!.args as { value: number }[];
      expect([domain!.value, type!.value & 0xf, protocol!.value]).toEqual([AF_INET, SOCK_DGRAM, 0]);

      // execve("/bin/true", ...) in the child, reported at entry.
      const exec = records.filter((r) => r.eventId === SYS_EXECVE && r.hostPid === childPid);
      expect(exec).toEqual([expect.objectContaining({ hostPid: childPid, hostPpid: process.pid, argnum: 1, retval: 0n, args: [{ type: "string", value: "/bin/true" }] })]);

      // Timestamps come from one clock, in the order the calls were made.
      expect(opens()[0]!.ts).toBeLessThan(exec[0]!.ts);
      expect(tracer.sys_events.lost).toBe(0n);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
