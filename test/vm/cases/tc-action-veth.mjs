// The veth check of a tc action (@tcAction), shared by the host's test/tc-action.test.ts and the
// guest's test/vm/cases/progtypes.mjs (plain JavaScript on the built runtime: the guest has no
// TypeScript). Sockets are opened inside the test namespaces (setns around socket()), so the test
// sends and receives without child processes (each node start costs seconds under TCG).
import { execFileSync } from "node:child_process";
// The door of these modules: the runtime's bundle keeps its own, so register the native one here.
import "../../../packages/runtime/dist/sys/native.js";
import { inNetns } from "../../../packages/runtime/dist/sys/netns.js";
import { AF_INET, SOCK_DGRAM, SOCK_NONBLOCK, bindSocket, openSocket, receive, sendTo, sockaddrIn } from "../../../packages/runtime/dist/sys/socket.js";

const drain = (socket) => {
  const buf = new Uint8Array(256);
  let n = 0;
  while (receive(socket, buf) >= 0) n++;
  return n;
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Attaches (`attach()`), sends 3 datagrams to `dropPort` then 5 to `passPort` from the sender
 * namespace, and reports what the receiver's sockets got, the program's counts, whether tc lists
 * the matchall filter, and how many of 2 more datagrams to the drop port arrive once detached.
 */
export async function actionOnVeth({ attach, counts, net, passPort, dropPort, waitMs = 5000 }) {
  const [passSocket, dropSocket] = [passPort, dropPort].map((port) => inNetns(net.receiver, () => {
    const s = openSocket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0, `tc action receiver :${port}`);
    bindSocket(s, sockaddrIn(net.receiverIp, port));
    return s;
  }));
  const sender = inNetns(net.sender, () => openSocket(AF_INET, SOCK_DGRAM, 0, "tc action sender"));
  const send = (port, count) => {
    for (let i = 0; i < count; i++) sendTo(sender, new TextEncoder().encode(`act-${i}`), sockaddrIn(net.receiverIp, port));
  };
  const until = async (done) => {
    for (let waited = 0; waited < waitMs && !done(); waited += 50) await sleep(50);
  };
  try {
    const links = [attach()].flat();
    let filter;
    const received = { pass: 0, drop: 0 };
    let counted;
    try {
      const shown = execFileSync("tc", ["-n", net.receiver, "filter", "show", "dev", net.receiverIf, "ingress"], { encoding: "utf8" });
      filter = /matchall/.test(shown) && /action order 1: bpf/.test(shown);
      // The dropped ones first: when all the others have arrived, a dropped one would have too.
      send(dropPort, 3);
      send(passPort, 5);
      await until(() => (received.pass += drain(passSocket)) >= 5);
      received.drop = drain(dropSocket);
      counted = counts();
    } finally {
      for (const link of links) link.close();
    }
    send(dropPort, 2);
    let afterDetach = 0;
    await until(() => (afterDetach += drain(dropSocket)) >= 2);
    return { sent: { pass: 5, drop: 3 }, received, counted, filter, afterDetach };
  } finally {
    for (const s of [passSocket, dropSocket, sender]) s.close();
  }
}
