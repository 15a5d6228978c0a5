// Program types this kernel refuses or cannot attach (issue 17), in the guest: freplace (EXT:
// lockdown refuses it here), a tc action on a veth (this kernel has no act_bpf or matchall), an
// SRv6 End.BPF route (this kernel has no CONFIG_IPV6_SEG6_LWTUNNEL), and
// an infrared decoder on rc-loopback's LIRC device (this kernel has no CONFIG_BPF_LIRC_MODE2).
// Objects compiled on the host from test/fixtures/freplace.bpf.ts, tc-action.bpf.ts, lwt.bpf.ts
// and lirc.bpf.ts (test/vm/guest-objects.mjs); the host's assertions are in test/other-kernel.test.ts.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { loadObject } from "../../../packages/runtime/dist/index.js";
// The door of the runtime's sys modules (its bundle keeps its own): see tc-action-veth.mjs.
import "../../../packages/runtime/dist/sys/native.js";
import { inNetns } from "../../../packages/runtime/dist/sys/netns.js";
import { createTestNetwork } from "../../../packages/runtime/dist/testing/netns.js";
import { dir } from "../harness.mjs";
import { actionOnVeth } from "./tc-action-veth.mjs";

const XDP_DROP = 1;
const XDP_PASS = 2;
const PASS_PORT = 9401;
const DROP_PORT = 9402;

/** An Ethernet + IPv4 frame of 64 bytes: enough for an XDP test run. */
function frame() {
  const bytes = new Uint8Array(64);
  bytes[12] = 0x08;
  bytes[14] = 0x45;
  return bytes;
}

/** Loads DropAll against the loaded Verdict and checks test runs before, while and after it is attached. */
async function freplaceChecks(target) {
  const main = target.programs.get("main");
  const run = () => main.testRun({ data: frame() }).retval;
  const before = run();
  const replacement = await loadObject(new Uint8Array(readFileSync(`${dir}/freplace-dropall.o`)), { freplaceTarget: main.fd });
  try {
    const program = replacement.programs.get("verdict");
    const link = program.attach();
    const during = [run(), run(), run()];
    const replaced = replacement.variable("replaced");
    link.close();
    const after = run();
    return [
      { what: "the replacement is an EXT program", expected: 28, actual: program.info().type },
      { what: "XDP test runs: the original's verdict, the replacement's while attached, the original's again", expected: [XDP_PASS, [XDP_DROP, XDP_DROP, XDP_DROP], XDP_PASS], actual: [before, during, after] },
      { what: "runs of the replacement, and of the target program", expected: [3n, 5n], actual: [replaced, target.variable("calls")] },
    ];
  } finally {
    replacement.close();
  }
}

async function tcActionChecks(object) {
  const net = createTestNetwork("tcact");
  try {
    const result = await actionOnVeth({
      attach: () => object.programs.get("act").attach({ interface: net.receiverIf, direction: "ingress", netns: net.receiver }),
      counts: () => [object.variable("passed"), object.variable("dropped")],
      net,
      passPort: PASS_PORT,
      dropPort: DROP_PORT,
      waitMs: 20_000,
    });
    return [{
      what: "matchall + bpf action on veth ingress: 5 datagrams let through and counted, 3 dropped and counted, the filter listed by tc, and 2 arriving after the detach",
      expected: { sent: { pass: 5, drop: 3 }, received: { pass: 5, drop: 0 }, counted: [5n, 3n], filter: true, afterDetach: 2 },
      actual: result,
    }];
  } finally {
    net.cleanup();
  }
}

/** Counters of `netns`'s /proc/net/snmp6 by name (read from inside it: no process to start, slow under TCG). */
function snmp6(netns, ...names) {
  const text = inNetns(netns, () => readFileSync("/proc/thread-self/net/snmp6", "utf8"));
  return names.reduce((sum, name) => sum + Number(new RegExp(`^${name}\\s+(\\d+)$`, "m").exec(text)?.[1] ?? NaN), 0);
}

/**
 * Datagrams from the sender namespace to its own fd00::1 through the segment fc00::100 at the
 * receiver (a segment routing header, set with IPV6_RTHDR: Node has no such socket option, Python does).
 */
function sendSrv6(netns, sends) {
  const script = [
    "import socket, struct",
    "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)",
    "segments = [socket.inet_pton(socket.AF_INET6, a) for a in ('fd00::1', 'fc00::100')]",
    // nexthdr, hdrlen (2 per segment), type 4, segments_left, first_segment (last entry), flags, tag
    "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RTHDR, struct.pack('BBBBBBH', 0, 4, 4, 1, 1, 0, 0) + b''.join(segments))",
    `for port, count in ${JSON.stringify(sends)}:`,
    "    for i in range(count): s.sendto(b'srv6', ('fd00::1', port))",
  ].join("\n");
  execFileSync("ip", ["netns", "exec", netns, "python3", "-c", script]);
}

/**
 * End.BPF on the receiver's route to the segment fc00::100: counts and drops SRv6 datagrams. The
 * final segment is the sender's own address: End.BPF never delivers locally (seg6local looks the
 * next segment up without local delivery), so what it lets through is forwarded back, and the
 * receiver's forwarding statistics and the sender's UDP statistics count it.
 */
async function seg6Checks(object) {
  const net = createTestNetwork("seg6");
  const ip = (...args) => execFileSync("ip", args, { stdio: "pipe" });
  try {
    ip("-n", net.sender, "addr", "add", "fd00::1/64", "dev", net.senderIf, "nodad");
    ip("-n", net.receiver, "addr", "add", "fd00::2/64", "dev", net.receiverIf, "nodad");
    ip("-n", net.sender, "-6", "route", "add", "fc00::100/128", "via", "fd00::2");
    // sysctls written from inside the namespaces (a net sysctl file is its opener's namespace's).
    const sysctl = (netns, name) => inNetns(netns, () => writeFileSync(`/proc/sys/net/ipv6/conf/${name}`, "1"));
    sysctl(net.receiver, "all/forwarding");
    // Segment routing headers are accepted only where seg6_enabled says so (the final hop too).
    for (const [netns, dev] of [[net.receiver, net.receiverIf], [net.sender, net.senderIf]]) {
      for (const conf of ["all", "lo", dev]) sysctl(netns, `${conf}/seg6_enabled`);
    }
    const link = object.programs.get("onSeg6").attach({ route: "fc00::100/128", interface: net.receiverIf, netns: net.receiver });
    let route;
    let forwarded;
    let delivered;
    let counted;
    try {
      route = /seg6local action End\.BPF/.test(execFileSync("ip", ["-n", net.receiver, "-6", "route", "show", "fc00::100/128"], { encoding: "utf8" }));
      const forwardedBefore = snmp6(net.receiver, "Ip6OutForwDatagrams");
      const deliveredBefore = snmp6(net.sender, "Udp6InDatagrams", "Udp6NoPorts");
      sendSrv6(net.sender, [[DROP_PORT, 3], [PASS_PORT, 5]]);
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && snmp6(net.sender, "Udp6InDatagrams", "Udp6NoPorts") - deliveredBefore < 5) await new Promise((resolve) => setTimeout(resolve, 50));
      forwarded = snmp6(net.receiver, "Ip6OutForwDatagrams") - forwardedBefore;
      delivered = snmp6(net.sender, "Udp6InDatagrams", "Udp6NoPorts") - deliveredBefore;
      counted = [object.variable("seg6Passed"), object.variable("seg6Dropped")];
    } finally {
      link.close();
    }
    const gone = !/seg6local/.test(execFileSync("ip", ["-n", net.receiver, "-6", "route", "show"], { encoding: "utf8" }));
    return [{
      what: "End.BPF on fc00::100: the route listed; 5 datagrams counted, forwarded to their last segment and delivered there; 3 counted and dropped; the route gone with the link",
      expected: { route: true, counted: [5n, 3n], forwarded: 5, delivered: 5, gone: true },
      actual: { route, counted, forwarded, delivered, gone },
    }];
  } finally {
    net.cleanup();
  }
}

/** rc-loopback's LIRC device (/dev/lircN): what it transmits, it receives. */
function loopbackLirc() {
  execFileSync("modprobe", ["rc-loopback"]);
  for (const rc of readdirSync("/sys/class/rc")) {
    if (!readFileSync(`/sys/class/rc/${rc}/uevent`, "utf8").includes("DRV_NAME=rc-loopback")) continue;
    const lirc = readdirSync(`/sys/class/rc/${rc}`).find((f) => f.startsWith("lirc"));
    if (lirc && existsSync(`/dev/${lirc}`)) return `/dev/${lirc}`;
  }
  throw new Error("rc-loopback made no LIRC device");
}

/** Attaches the decoder to rc-loopback and transmits pulse, space, pulse: 0x1dead µs (bit 16: a key), 1000, 3000. */
async function lircChecks(object) {
  const program = object.programs.get("decode");
  const device = loopbackLirc();
  const link = program.attach({ device });
  try {
    const fd = openSync(device, "w");
    try {
      writeSync(fd, new Uint8Array(new Uint32Array([0x1dead, 1000, 3000]).buffer));
    } finally {
      closeSync(fd);
    }
    for (let i = 0; i < 200 && object.variable("pulses") < 2n; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    link.close();
  }
  return [
    { what: "a lirc_mode2 program", expected: 20, actual: program.info().type },
    { what: "pulses decoded, their microseconds, keys reported (bpf_rc_keydown)", expected: [2n, BigInt(0x1dead + 3000), 1n], actual: [object.variable("pulses"), object.variable("microseconds"), object.variable("keys")] },
  ];
}

/** The cases, in the order the guest runs them. */
export const progTypeCases = [
  { name: "freplace (@freplace of a @globalFunction)", object: "freplace-verdict.o", body: freplaceChecks, options: { attach: () => {} } },
  { name: "tc action (@tcAction) on a veth", object: "tc-action.o", body: tcActionChecks, options: { config: { passPort: PASS_PORT, dropPort: DROP_PORT }, attach: () => {}, needs: "CONFIG_NET_ACT_BPF" } },
  { name: "lwt_seg6local (@lwt(\"seg6local\")): End.BPF on an SRv6 route", object: "lwt.o", body: seg6Checks, options: { config: { passPort: PASS_PORT, dropPort: DROP_PORT }, attach: () => {}, needs: "CONFIG_IPV6_SEG6_LWTUNNEL" } },
  { name: "lirc_mode2 (@lircMode2) on rc-loopback", object: "lirc.o", body: lircChecks, options: { attach: () => {}, needs: "CONFIG_BPF_LIRC_MODE2" } },
];
