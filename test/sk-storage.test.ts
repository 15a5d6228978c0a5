// Socket local storage from a program (test/fixtures/sk-storage.bpf.ts): a cgroup post_bind4
// program attached to a test cgroup stores each bound socket's port in that socket's storage.
// The test process moves into the cgroup, opens and binds UDP sockets to ports it chose, and reads every
// socket's value back by its descriptor (the reference: the port it bound). Needs Linux 5.2
// (socket storage) and bpf_sk_storage_get from cgroup sock programs (5.9).
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "tsbpf";
import { AF_INET, SOCK_DGRAM, bindSocket, openSocket, sockaddrIn } from "../packages/runtime/src/sys/socket.ts";
import { SocketTags } from "./fixtures/sk-storage.bpf.ts";
import { describeKernel } from "./support/kernel.js";

/** Where cgroup v2 is mounted, and this process's cgroup under it. */
function cgroupV2(): { root: string; own: string } {
  const mount = readFileSync("/proc/mounts", "utf8").split("\n").map((l) => l.split(" ")).find((f) => f[2] === "cgroup2");
  if (!mount) throw new Error("cgroup v2 is not mounted");
  const own = readFileSync("/proc/self/cgroup", "utf8").split("\n").find((l) => l.startsWith("0::"))!.slice(3);
  return { root: mount[1]!, own };
}

describeKernel("SkStorage: a value per socket from a program", () => {
  let cgroup: string;
  let home: string;
  beforeAll(() => {
    const { root, own } = cgroupV2();
    home = `${root}${own}`;
    cgroup = `${root}/tsbpf-sk-storage-${process.pid}`;
    mkdirSync(cgroup);
  });
  afterAll(() => rmdirSync(cgroup));

  it("post_bind4 stores each socket's own bound port in its storage", async () => {
    await using probe = await load(SocketTags);
    probe.programs.onBind.attach({ cgroup });
    const base = 20_000 + (process.pid % 20_000);
    const ports = [base, base + 1, base + 2];
    // A socket belongs to the cgroup of the task that created it: `outside` is made before the
    // process joins the test cgroup, so its bind is not seen even though it happens inside.
    const outside = openSocket(AF_INET, SOCK_DGRAM, 0, "udp");
    let sockets: ReturnType<typeof openSocket>[] = [];
    let unbound: ReturnType<typeof openSocket> | undefined;
    try {
      writeFileSync(`${cgroup}/cgroup.procs`, String(process.pid));
      try {
        sockets = ports.map(() => openSocket(AF_INET, SOCK_DGRAM, 0, "udp"));
        unbound = openSocket(AF_INET, SOCK_DGRAM, 0, "udp");
        sockets.forEach((socket, i) => bindSocket(socket, sockaddrIn("127.0.0.1", ports[i]!)));
        bindSocket(outside, sockaddrIn("127.0.0.1", base + 3));
      } finally {
        writeFileSync(`${home}/cgroup.procs`, String(process.pid));
      }
      sockets.forEach((socket, i) => expect(probe.bindings.get(socket.raw)).toEqual({ port: ports[i], binds: 1 }));
      expect(probe.bindings.get(unbound!.raw)).toBeUndefined();
      expect(probe.bindings.get(outside.raw)).toBeUndefined();
    } finally {
      for (const socket of [...sockets, unbound, outside]) socket?.close();
    }
  }, 120_000);
});
