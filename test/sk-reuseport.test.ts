// sk_reuseport selecting among sockets (test/fixtures/sk-reuseport.bpf.ts): three UDP sockets bound
// to one port of 127.0.0.1 with SO_REUSEPORT (opened through the runtime's socket door: Node 20's
// dgram cannot set SO_REUSEPORT) are stored in a reuseport socket array; with the program attached
// to their group, every datagram goes to the socket at the index the test chose, as each socket's
// own receive queue shows, and an empty index drops them. Needs Linux 4.19 (5.3 to detach).
import { createSocket } from "node:dgram";
import { afterEach, beforeEach, expect, expectTypeOf, it } from "vitest";
import { load, type SockMapHandle } from "tsbpf";
import { Errno } from "../packages/runtime/src/sys/errno.ts";
import type { Fd } from "../packages/runtime/src/sys/fd.ts";
import {
  AF_INET, MSG_DONTWAIT, SO_REUSEPORT, SOCK_DGRAM, SOL_SOCKET, bindSocket, openSocket, receive, sendTo, setSocketInt, sockaddrIn,
} from "../packages/runtime/src/sys/socket.ts";
import { ReuseportPick } from "./fixtures/sk-reuseport.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const ENOENT = 2n;

/** A UDP port nothing is bound to (bound and released). */
async function freeUdpPort(): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(resolve));
  return port;
}

/** Every datagram waiting on `fd`, as text, without waiting. */
function drain(fd: Fd): string[] {
  const out: string[] = [];
  const buffer = new Uint8Array(256);
  for (;;) {
    const n = receive(fd, buffer, MSG_DONTWAIT);
    if (n === -Errno.EAGAIN) return out;
    if (n < 0) throw new Error(`recv: errno ${-n}`);
    out.push(new TextDecoder().decode(buffer.subarray(0, n)));
  }
}

describeKernel("sk_reuseport: the program chooses the socket of a SO_REUSEPORT group", () => {
  let group: Fd[] = [];
  let sender: Fd;
  let port: number;
  beforeEach(async () => {
    port = await freeUdpPort();
    group = [0, 1, 2].map((i) => {
      const fd = openSocket(AF_INET, SOCK_DGRAM, 0, `reuseport socket ${i}`);
      setSocketInt(fd.raw, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
      bindSocket(fd, sockaddrIn("127.0.0.1", port));
      return fd;
    });
    sender = openSocket(AF_INET, SOCK_DGRAM, 0, "sender");
  });
  afterEach(() => {
    for (const fd of [...group, sender]) fd?.close();
  });

  const send = (texts: string[]) => {
    for (const text of texts) sendTo(sender, new TextEncoder().encode(text), sockaddrIn("127.0.0.1", port));
  };

  it("every datagram reaches the socket at the chosen index, and only it", async () => {
    await using probe = await load(ReuseportPick);
    expectTypeOf(probe.sockets).toEqualTypeOf<SockMapHandle<number>>();
    group.forEach((fd, i) => probe.sockets.set(i, fd.raw));
    const cookies = group.map((_, i) => probe.sockets.cookie(i));
    expect(new Set(cookies).size).toBe(3); // three sockets, three cookies
    probe.programs.pick.attach({ socket: group[0]!.raw });
    for (const target of [2, 0, 1]) {
      probe.target = target;
      const texts = Array.from({ length: 5 }, (_, i) => `to-${target}-${i}`);
      send(texts);
      expect(group.map(drain)).toEqual(group.map((_, i) => (i === target ? texts : [])));
      expect(probe.selectResult).toBe(0n);
      expect(probe.picked.get(target)).toBe(5n);
    }
  }, 120_000); // the first load compiles the probe

  it("an empty index: the selection fails with -ENOENT and the program drops the datagrams", async () => {
    await using probe = await load(ReuseportPick);
    group.forEach((fd, i) => probe.sockets.set(i, fd.raw));
    const link = probe.programs.pick.attach({ socket: group[1]!.raw });
    probe.target = 3;
    send(["lost-1", "lost-2"]);
    expect(group.map(drain)).toEqual([[], [], []]);
    expect(probe.selectResult).toBe(-ENOENT);
    // Detached, the kernel's hash chooses again: the datagrams arrive, at one socket or another.
    link.close();
    send(["back-1", "back-2"]);
    expect(group.map(drain).flat().sort()).toEqual(["back-1", "back-2"]);
  }, 120_000);
});
