import { describe, expect, it } from "vitest";
import { keyLabels } from "./labels.js";
import { labelName, metricName, snakeCase } from "./names.js";

describe("names", () => {
  it("writes map and member names in snake case, with the unit and _total where Prometheus wants them", () => {
    expect(snakeCase("bytesByCommFd")).toBe("bytes_by_comm_fd");
    expect(snakeCase("TCPRetransmits")).toBe("tcp_retransmits");
    expect(snakeCase("9lives")).toBe("_9lives");
    expect(metricName("tsbpf_", "readBytes", "bytes", true)).toBe("tsbpf_read_bytes_total");
    expect(metricName("tsbpf_", "latency", "seconds", false)).toBe("tsbpf_latency_seconds");
    expect(labelName("le")).toBe("key_le");
    expect(labelName("__name")).toBe("key___name");
  });
});

describe("keyLabels", () => {
  it("gives a struct key one label per member, nested structs joined with _, and other keys one label", () => {
    expect(keyLabels(undefined)).toEqual({});
    expect(keyLabels(42)).toEqual({ key: "42" });
    expect(keyLabels(7n, "cpu")).toEqual({ cpu: "7" });
    expect(keyLabels("bash")).toEqual({ key: "bash" });
    expect(keyLabels({ cgroupId: 12n, comm: "sshd", addr: { port: 22, family: 2 }, le: 1 })).toEqual({
      cgroup_id: "12", comm: "sshd", addr_port: "22", addr_family: "2", key_le: "1" });
    expect(keyLabels(new Uint8Array([10, 0, 0, 1]), "ip")).toEqual({ ip: "0a000001" });
    expect(keyLabels(["main", "start"], "stack")).toEqual({ stack: "main;start" });
  });
});
