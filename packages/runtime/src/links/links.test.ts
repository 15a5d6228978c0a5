// Attachment logic against the fake kernel: tracepoint ids from tracefs, perf event attrs, link
// attach types, and clear errors for missing tracepoints and kprobes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetFeatureCache } from "../features.js";
import { BpfError, NotSupportedError, ObjectError } from "../errors.js";
import { useDoor } from "../sys/door.js";
import { FakeKernel } from "../sys/fake.js";
import { resetTracefsCache } from "../sys/tracefs.js";
import { attachKprobe } from "./kprobe.js";
import { attachRawTracepoint } from "./raw-tracepoint.js";
import { attachTracepoint } from "./tracepoint.js";

let kernel: FakeKernel;
let restore: () => void;

beforeEach(() => {
  kernel = new FakeKernel();
  restore = useDoor(kernel);
  resetFeatureCache(); // no probe result of the real kernel (isolate: false) answers for the fake
  resetTracefsCache();
});
afterEach(() => {
  restore();
  resetFeatureCache(); // nor the fake's (nor its tracefs) for the next file
  resetTracefsCache();
});

/** A program descriptor in the fake (attachment only needs the fd to be a program). */
function fakeProgramFd(): number {
  const prog = { kind: "prog" as const, fd: 0, type: 5, name: "p", license: "GPL", instructions: [], expectedAttachType: 0, flags: 0, btfFd: 0, attachBtfId: 0, funcInfo: [], lineInfo: [] };
  kernel.objects.set(999, prog);
  return 999;
}

describe("attachTracepoint", () => {
  it("opens a tracepoint perf event with the id from tracefs and links the program to it", () => {
    const link = attachTracepoint("p", fakeProgramFd(), "syscalls/sys_enter_getpid");
    expect(kernel.perfEvents).toEqual([{ kind: "perf", type: 2, config: 701n, pid: -1, cpu: 0, enabled: true }]);
    expect(kernel.links).toEqual([{ kind: "link", progFd: 999, targetFd: expect.any(Number), attachType: 41 }]);
    expect(link.target).toBe("tracepoint/syscalls/sys_enter_getpid");
    const before = kernel.openFds().length;
    link.close();
    link.close();
    expect(kernel.openFds().length).toBe(before - 2); // the link and its perf event
  });

  it("says when the tracepoint does not exist, and when the section is malformed", () => {
    expect(() => attachTracepoint("p", fakeProgramFd(), "syscalls/sys_enter_nothing")).toThrow(/tracepoint syscalls\/sys_enter_nothing does not exist/);
    expect(() => attachTracepoint("p", fakeProgramFd(), "syscalls")).toThrow(ObjectError);
    expect(kernel.perfEvents).toEqual([]);
  });
});

describe("attachRawTracepoint", () => {
  it("opens the raw tracepoint by name", () => {
    const link = attachRawTracepoint("p", fakeProgramFd(), "sched_switch");
    expect(kernel.links.at(-1)).toMatchObject({ name: "sched_switch", progFd: 999 });
    link.close();
    expect(() => attachRawTracepoint("p", fakeProgramFd(), "no_such_tp")).toThrow(BpfError);
  });
});

describe("attachKprobe", () => {
  it("names the missing kernel feature when there are no kprobes", () => {
    const error = (() => {
      try {
        attachKprobe("p", fakeProgramFd(), "do_unlinkat", false);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as NotSupportedError).reason).toMatch(/no kprobes .*CONFIG_KPROBE/);
  });
});
