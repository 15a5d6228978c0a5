// struct_ops: a TCP congestion control whose ssthresh/undo_cwnd/cong_avoid are counting BPF
// programs, registered by object.attach(), used by a TCP transfer on loopback (a Python child sets
// TCP_CONGESTION on its socket), and gone again once the link closes.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { MapError, ObjectError } from "../errors.js";
import { loadObject } from "../load/load-object.js";
import { StructOpsMap } from "../maps/struct-ops.js";
import { describeKernel } from "../testing/kernel.js";
import { counterObject } from "../testing/programs.js";

function congestionControl() {
  const spec = counterObject("struct_ops/ssthresh", { name: "ssthresh", returns: 10 });
  spec.programs.push(counterObject("struct_ops/undo_cwnd", { name: "undo_cwnd", returns: 10 }).programs[0]!);
  spec.programs.push(counterObject("struct_ops/cong_avoid", { name: "cong_avoid" }).programs[0]!);
  return spec;
}

const available = () => readFileSync("/proc/sys/net/ipv4/tcp_available_congestion_control", "utf8");

const transfer = (cc: string) => `
import socket, threading
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
port = srv.getsockname()[1]
def serve():
    c, _ = srv.accept()
    while c.recv(65536): pass
    c.close()
t = threading.Thread(target=serve); t.start()
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"${cc}")
s.connect(("127.0.0.1", port))
s.sendall(b"x" * (4 << 20))
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\\0").decode())
s.close(); t.join()
`;

describeKernel("struct_ops on the kernel", () => {
  it("registers a TCP congestion control made of BPF programs", async () => {
    const name = `tsbpf_${process.pid % 1_000_000}`;
    await using object = await loadObject(congestionControl(), {
      structOps: { cc: { type: "tcp_congestion_ops", programs: { ssthresh: "ssthresh", undo_cwnd: "undo_cwnd", cong_avoid: "cong_avoid" }, values: { name } } },
    });
    expect(object.map("cc")).toBeInstanceOf(StructOpsMap);
    expect(available()).not.toContain(name);
    const [link] = object.attach();
    expect(link!.target).toBe("struct_ops tcp_congestion_ops cc");
    expect(available().split(/\s+/)).toContain(name);
    const used = execFileSync("python3", ["-c", transfer(name)]).toString().trim();
    expect(used).toBe(name);
    expect(object.variable("hits")).toBeGreaterThan(0n);
    link!.close();
    expect(available()).not.toContain(name);
  });

  it("says which member does not exist and which name is too long", async () => {
    const programs = { ssthresh: "ssthresh", undo_cwnd: "undo_cwnd", cong_avoid: "cong_avoid" };
    await expect(loadObject(congestionControl(), { structOps: { cc: { type: "tcp_congestion_ops", programs: { ...programs, no_such: "undo_cwnd" } } } })).rejects.toThrow(/has no member no_such/);
    await expect(loadObject(congestionControl(), { structOps: { cc: { type: "tcp_congestion_ops", programs: { ssthresh: "ssthresh" } } } })).rejects.toThrow(ObjectError);
    await expect(loadObject(congestionControl(), { structOps: { cc: { type: "tcp_congestion_ops", programs, values: { name: "a_name_far_too_long_for_it" } } } })).rejects.toThrow(MapError);
  });
});
