// The objects the guest (test/vm/other-kernel.guest.mjs) loads, compiled on the host by
// test/other-kernel.test.ts and scripts/core-on-vm.sh: file name in the objects folder →
// [source, relative to the repository, probe class].
export const guestObjects = {
  "unlink-fentry.o": ["examples/unlink.bpf.ts", "UnlinkSnoop"],
  "unlink-kprobes.o": ["examples/unlink.bpf.ts", "UnlinkKprobes"],
  "execsnoop.o": ["examples/execsnoop.bpf.ts", "ExecSnoop"],
  "deny-open.o": ["test/fixtures/deny-open.bpf.ts", "DenyOpen"],
  "kprobe-multi.o": ["test/fixtures/kprobe-multi.bpf.ts", "OpenMulti"],
  // The seed programs on kernel functions (issue 12): 002's kprobe-link and fentry-link, 004's
  // kprobe/kretprobe and kfunc/kretfunc examples.
  "kprobe-link.o": ["examples/eunomia/kprobe-link.bpf.ts", "KprobeLink"],
  "fentry-link.o": ["examples/eunomia/fentry-link.bpf.ts", "FentryLink"],
  "bcc-tcp-connect.o": ["examples/bcc/kprobes.bpf.ts", "TcpV4Connect"],
  "bcc-vfs-read.o": ["examples/bcc/kprobes.bpf.ts", "VfsReadStats"],
  // Targets given at attach() and system call probes (test/vm/cases/attach-targets.mjs).
  "attach-targets.o": ["test/fixtures/attach-targets.bpf.ts", "SyscallProbes"],
  // Seed 003's tracer on its kprobes/kretprobes (test/vm/cases/syscall-tracer.mjs).
  "syscall-tracer.o": ["examples/syscall-tracer.bpf.ts", "SyscallTracer"],
  // bpf_skb_output from fentry (issue 17; test/vm/cases/skb-output.mjs).
  "skb-output.o": ["test/fixtures/skb-output.bpf.ts", "SkbOutput"],
  // The socket storage iterator, which the host kernel refuses (test/vm/cases/sk-storage-iter.mjs).
  "sk-storage-iter.o": ["test/fixtures/iterators-kernel.bpf.ts", "SocketTags"],
  // The user ring buffer on its first kernel, 6.1 (test/vm/cases/user-ringbuf.mjs).
  "user-ringbuf.o": ["test/fixtures/user-ringbuf.bpf.ts", "UserRingDrain"],
  // Program types this kernel refuses or cannot attach (test/vm/cases/progtypes.mjs).
  "freplace-verdict.o": ["test/fixtures/freplace.bpf.ts", "Verdict"],
  "freplace-dropall.o": ["test/fixtures/freplace.bpf.ts", "DropAll"],
  "tc-action.o": ["test/fixtures/tc-action.bpf.ts", "ActionCounter"],
  "lwt.o": ["test/fixtures/lwt.bpf.ts", "LwtCounters"],
  "lirc.o": ["test/fixtures/lirc.bpf.ts", "PulseCounter"],
};
