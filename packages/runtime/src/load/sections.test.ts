import { describe, expect, it } from "vitest";
import { ObjectError } from "../errors.js";
import { programKind } from "./sections.js";
import { AttachType, ProgFlags, ProgType } from "./types.js";

describe("programKind", () => {
  it("derives type, attach type and target from libbpf section names", () => {
    expect(programKind("tracepoint/syscalls/sys_enter_write")).toMatchObject({ progType: ProgType.TRACEPOINT, hook: "tracepoint", target: "syscalls/sys_enter_write" });
    expect(programKind("tp/sched/sched_switch")).toMatchObject({ progType: ProgType.TRACEPOINT, target: "sched/sched_switch" });
    expect(programKind("raw_tp/sys_enter")).toMatchObject({ progType: ProgType.RAW_TRACEPOINT, hook: "raw_tracepoint", target: "sys_enter" });
    expect(programKind("raw_tracepoint/sched_switch")).toMatchObject({ progType: ProgType.RAW_TRACEPOINT });
    expect(programKind("syscall")).toMatchObject({ progType: ProgType.SYSCALL, flags: ProgFlags.SLEEPABLE, hook: "none" });
    expect(programKind("xdp")).toMatchObject({ progType: ProgType.XDP, expectedAttachType: AttachType.XDP });
    expect(programKind("socket")).toMatchObject({ progType: ProgType.SOCKET_FILTER });
    expect(programKind("kprobe/do_unlinkat")).toMatchObject({ progType: ProgType.KPROBE, hook: "kprobe", target: "do_unlinkat" });
    expect(programKind("kretprobe/do_unlinkat")).toMatchObject({ hook: "kretprobe" });
    expect(programKind("fentry/do_unlinkat")).toMatchObject({ progType: ProgType.TRACING, expectedAttachType: AttachType.TRACE_FENTRY, needsAttachBtfId: true });
    expect(programKind("tp_btf/sched_switch")).toMatchObject({ expectedAttachType: AttachType.TRACE_RAW_TP });
    expect(programKind("cgroup_skb/egress")).toMatchObject({ progType: ProgType.CGROUP_SKB, expectedAttachType: AttachType.CGROUP_INET_EGRESS });
    // A bare prefix is a program whose hook is named elsewhere (not auto-attached).
    expect(programKind("tracepoint")).toMatchObject({ hook: "tracepoint", target: "" });
  });

  it("rejects unknown names and near misses", () => {
    expect(() => programKind("tracepoints/x/y")).toThrow(ObjectError);
    expect(() => programKind("xdp_prog")).toThrow(/unknown program section name/);
    expect(() => programKind("syscall/foo")).toThrow(ObjectError);
  });
});
