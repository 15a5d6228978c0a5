// The bpf_sk_storage_map iterator, in the guest (issue 17): test/fixtures/iterators-kernel.bpf.ts's
// SocketTags, compiled on the host (sk-storage-iter.o), which the host kernel (6.18, locked down)
// refuses to load. This process listens on three TCP ports of 127.0.0.1, stores a u64 for each
// listener in the probe's socket storage map from user space, and runs the iterator over the map:
// it must report exactly those three sockets, by port, with the values stored.
import { createServer } from "node:net";

async function storedValues(object) {
  const tags = object.map("tags");
  const servers = await Promise.all([0, 1, 2].map(async () => {
    const s = createServer();
    await new Promise((resolve) => s.listen(0, "127.0.0.1", resolve));
    return s;
  }));
  try {
    const stored = {};
    servers.forEach((s, i) => {
      const value = 0x1000n + BigInt(i) * 7n;
      tags.set(s._handle.fd, value);
      stored[s.address().port] = `${value}`;
    });
    const link = object.adopt(object.programs.get("eachTag").attachIter({ map: tags.fd }));
    const seen = {};
    for await (const r of link.records(16)) {
      const view = new DataView(r.buffer, r.byteOffset, 16);
      seen[view.getUint32(0, true)] = `${view.getBigUint64(8, true)}`;
    }
    return [{ what: "the sockets and values the iterator walked, by port", expected: stored, actual: seen }];
  } finally {
    for (const s of servers) s.close();
  }
}

/** The cases, in the order the guest runs them. */
export const skStorageIterCases = [
  { name: "iter/bpf_sk_storage_map over values stored for three listeners", object: "sk-storage-iter.o", body: storedValues, options: { attach: () => {} } },
];
