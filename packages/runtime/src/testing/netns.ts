/**
 * Test-only: two network namespaces joined by a veth pair (iproute2's `ip`, installed by
 * scripts/ensure-test-tools.sh), named after the process so that parallel runs never collide,
 * and removed by `cleanup()`. Traffic is UDP sent by a Node child inside the first namespace.
 */
import { execFileSync } from "node:child_process";

export interface TestNetwork {
  /** Namespace names: the sender's and the receiver's. */
  sender: string;
  receiver: string;
  /** The veth ends: in `sender` and in `receiver`. */
  senderIf: string;
  receiverIf: string;
  receiverIp: string;
  /** Sends `count` UDP datagrams from the sender namespace to receiverIp:port. */
  sendUdp(count: number, port?: number): void;
  cleanup(): void;
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });

export function createTestNetwork(tag: string): TestNetwork {
  const base = `tsbpf-attach-${process.pid}-${tag}`;
  const sender = `${base}-s`;
  const receiver = `${base}-r`;
  const net: TestNetwork = {
    sender,
    receiver,
    senderIf: "veth-s",
    receiverIf: "veth-r",
    receiverIp: "10.201.0.2",
    sendUdp(count, port = 9999) {
      const script = `const s=require("dgram").createSocket("udp4");let n=0;const go=()=>{if(n++>=${count})return s.close();s.send("tsbpf-"+n,${port},"10.201.0.2",go)};go();`;
      execFileSync("ip", ["netns", "exec", sender, process.execPath, "-e", script], { stdio: "pipe" });
    },
    cleanup() {
      for (const ns of [sender, receiver]) {
        try {
          ip("netns", "del", ns);
        } catch {
          // already gone
        }
      }
    },
  };
  try {
    ip("netns", "add", sender);
    ip("netns", "add", receiver);
    ip("-n", sender, "link", "add", "veth-s", "type", "veth", "peer", "name", "veth-r", "netns", receiver);
    ip("-n", sender, "addr", "add", "10.201.0.1/24", "dev", "veth-s");
    ip("-n", receiver, "addr", "add", "10.201.0.2/24", "dev", "veth-r");
    for (const [ns, dev] of [[sender, "veth-s"], [receiver, "veth-r"], [sender, "lo"], [receiver, "lo"]] as const) ip("-n", ns, "link", "set", dev, "up");
  } catch (error) {
    net.cleanup();
    throw error;
  }
  return net;
}
