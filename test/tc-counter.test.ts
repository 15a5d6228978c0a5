// tc-counter: a tc ingress program on a veth in a test namespace counts the packets and bytes
// that arrive and the IPv4 packets per IP protocol (read from the packet itself), through load()
// and under `tsbpf run --interface --netns`. The counts are per CPU: the test adds the CPUs up.
import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "tsbpf";
import { createTestNetwork, type TestNetwork } from "../packages/runtime/src/testing/netns.ts";
import { TcCounter } from "../examples/tc-counter.bpf.ts";
import { attached, start } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { ipv4Packet } from "./support/packets.js";
import { cliPath, example } from "./support/paths.js";

const IPPROTO_UDP = 17;
const TC_ACT_OK = 0;

/** The per-CPU slots of a count, added up (the map is per CPU: each CPU counts into its own). */
const sum = (perCpu: bigint[] | undefined): bigint => (perCpu ?? []).reduce((a, b) => a + b, 0n);

type Counter = { totals: { get(key: number): { packets: bigint; bytes: bigint; protocols: bigint[] }[] | undefined } };

/** The per-CPU totals added up. */
function totals(counter: Counter) {
  const perCpu = counter.totals.get(0) ?? [];
  return { packets: sum(perCpu.map((t) => t.packets)), bytes: sum(perCpu.map((t) => t.bytes)) };
}

/** The IPv4 packets of one IP protocol, the per-CPU counts added up. */
const protocol = (counter: Counter, number: number): bigint => sum((counter.totals.get(0) ?? []).map((t) => t.protocols[number]!));

describeKernel("examples/tc-counter.bpf.ts", () => {
  let net: TestNetwork;
  beforeAll(() => {
    net = createTestNetwork("dsl-tc");
  });
  afterAll(() => net?.cleanup());

  it("counts built packets by protocol (test runs)", async () => {
    await using counter = await load(TcCounter);
    const packets = [ipv4Packet(), ipv4Packet({ protocol: 6 }), ipv4Packet({ protocol: 6, payload: 100 }), ipv4Packet({ etherType: 0x86dd })];
    for (const packet of packets) expect(counter.programs.count.testRun({ data: packet }).retval).toBe(TC_ACT_OK);
    expect(totals(counter)).toEqual({ packets: 4n, bytes: BigInt(packets.reduce((n, p) => n + p.length, 0)) });
    expect(protocol(counter, IPPROTO_UDP)).toBe(1n);
    expect(protocol(counter, 6)).toBe(2n);
    expect(protocol(counter, 1)).toBe(0n);
  });

  it("counts the UDP datagrams arriving on a veth", async () => {
    await using counter = await load(TcCounter);
    counter.programs.count.attach({ interface: net.receiverIf, netns: net.receiver });
    net.sendUdp(6);
    // ARP and IPv6 neighbour traffic may come too: at least the datagrams, of which all UDP.
    expect(totals(counter).packets).toBeGreaterThanOrEqual(6n);
    expect(protocol(counter, IPPROTO_UDP)).toBe(6n);
  });

  it("runs under `tsbpf run --interface --netns` and prints the counts at exit", async () => {
    const run = start(process.execPath, [cliPath, "run", example("tc-counter.bpf.ts"), "--interface", net.receiverIf,
      "--netns", net.receiver, "--duration", "2", "--json"]);
    await attached(run);
    net.sendUdp(3);
    const { stdout, stderr, code } = await run.finished;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ kind: "attached", probe: "TcCounter", links: 1 });
    const map = lines.find((l) => l.kind === "map" && l.map === "totals");
    // Per-CPU values: one struct per CPU, their UDP counts added up here.
    const [key, perCpu] = map.entries[0] as [number, { protocols: number[] }[]];
    expect(key).toBe(0);
    expect(perCpu.reduce((n, t) => n + t.protocols[IPPROTO_UDP]!, 0)).toBe(3);
  });
});
