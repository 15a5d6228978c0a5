// Program types this kernel refuses or cannot attach (issue 17), in the guest: freplace (EXT:
// lockdown refuses it here), a tc action on a veth (this kernel has no act_bpf or matchall), and
// an infrared decoder on rc-loopback's LIRC device (this kernel has no CONFIG_BPF_LIRC_MODE2).
// Objects compiled on the host from test/fixtures/freplace.bpf.ts, tc-action.bpf.ts and
// lirc.bpf.ts (test/vm/guest-objects.mjs); the host's assertions are in test/other-kernel.test.ts.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { loadObject } from "../../../packages/runtime/dist/index.js";
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
  { name: "lirc_mode2 (@lircMode2) on rc-loopback", object: "lirc.o", body: lircChecks, options: { attach: () => {}, needs: "CONFIG_BPF_LIRC_MODE2" } },
];
