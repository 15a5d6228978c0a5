// A user ring buffer on Linux 6.1, where BPF_MAP_TYPE_USER_RINGBUF and bpf_user_ringbuf_drain
// first appear (issue 17): test/fixtures/user-ringbuf.bpf.ts's UserRingDrain, compiled on the host
// (user-ringbuf.o). This process writes 20 requests through the runtime's producer handle and runs
// the draining @syscall program once through BPF_PROG_TEST_RUN: it must take all 20, store each
// value by id and sum value * weight exactly, leaving the ring empty; a full ring then refuses a
// write with ENOSPC.
const requests = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, weight: (i % 7) + 1, value: BigInt((i + 1) * 1000 + 3) }));

async function drained(object) {
  const ring = object.map("requests");
  for (const r of requests) ring.write(r);
  const pendingBefore = ring.pending;
  object.programs.get("drain").testRun({ ctx: { stop: 0 } });
  const bss = object.map(".bss");
  const values = object.map("values");
  let full = "no error";
  try {
    for (let i = 0; i < 1000; i++) ring.write({ id: 1, weight: 1, value: 1n });
  } catch (error) {
    full = error.code;
  }
  return [
    { what: "bytes written before the drain (20 records of 24)", expected: 480, actual: pendingBefore },
    { what: "records drained", expected: "20", actual: `${bss.get("drained")}` },
    { what: "sum of value * weight", expected: `${requests.reduce((s, r) => s + r.value * BigInt(r.weight), 0n)}`, actual: `${bss.get("total")}` },
    { what: "values by id", expected: requests.map((r) => `${r.value}`), actual: requests.map((r) => `${values.get(r.id)}`) },
    { what: "a full ring refuses a write", expected: "ENOSPC", actual: full },
  ];
}

/** The cases, in the order the guest runs them. */
export const userRingBufCases = [
  { name: "UserRingBuf written by user space, drained by a @syscall program", object: "user-ringbuf.o", body: drained, options: { attach: () => {} } },
];
