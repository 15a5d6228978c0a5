// unlink: every unlink on the machine, with the file name and the result, twice: with fentry/
// fexit on do_unlinkat (arguments typed from BTF: `name` is the kernel's `struct filename *`,
// read through CO-RE), and with its kprobe/kretprobe twin for kernels without BPF trampolines.
//
//   npx tsbpf run examples/unlink.bpf.ts --class UnlinkSnoop     (fentry/fexit: Linux 5.5, no lockdown)
//   npx tsbpf run examples/unlink.bpf.ts --class UnlinkKprobes   (kprobes: CONFIG_KPROBES)
// Unlike libbpf's unlink, which only prints, the exits send ring events with the name (reserved and
// written in place). The fentry's printk reads the name into a buffer first: printk's %s takes a
// CharArray, not a kernel string pointer as bpf_printk's %s does.
import { HashMap, Probe, RingBuf, bpf, fentry, fexit, i64, kprobe, kretprobe, u32, type CharArray, type i32, type Ptr, type u64 } from "tsbpf";
import type { filename } from "tsbpf/vmlinux";

export interface UnlinkEvent {
  pid: u32;
  ret: i64;
  name: CharArray<256>;
}

export class UnlinkSnoop extends Probe {
  events = new RingBuf<UnlinkEvent>({ size: 256 * 1024 });

  @fentry("do_unlinkat")
  enter(dfd: i32, name: Ptr<filename>): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    const file: UnlinkEvent = { pid, ret: 0n, name: "" };
    bpf.probeReadKernelStr(file.name, name.name); // CO-RE read of filename->name
    bpf.printk("unlink pid=%d file=%s", pid, file.name);
    return 0;
  }

  @fexit("do_unlinkat")
  exit(dfd: i32, name: Ptr<filename>, ret: i32): i32 {
    // Reserved in the ring and written in place: no copy on the stack.
    const event = this.events.reserve();
    if (event === null) return 0; // counted by the reader's failedReservations
    event.pid = u32(bpf.getCurrentPidTgid() >> 32n);
    event.ret = i64(ret);
    bpf.probeReadKernelStr(event.name, name.name);
    this.events.submit(event);
    return 0;
  }
}

export class UnlinkKprobes extends Probe {
  events = new RingBuf<UnlinkEvent>({ size: 256 * 1024 });
  /** pid_tgid → the address of the name being unlinked, from entry to return. */
  names = new HashMap<u64, u64>({ maxEntries: 10240 });

  @kprobe("do_unlinkat")
  enter(dfd: i32, name: Ptr<filename>): i32 {
    this.names.update(bpf.getCurrentPidTgid(), name.name);
    return 0;
  }

  @kretprobe("do_unlinkat")
  exit(ret: i32): i32 {
    const id = bpf.getCurrentPidTgid();
    const address = this.names.lookup(id);
    if (!address) return 0;
    const event = this.events.reserve();
    if (event !== null) {
      event.pid = u32(id >> 32n);
      event.ret = i64(ret);
      bpf.probeReadKernelStr(event.name, address.value);
      this.events.submit(event);
    }
    this.names.delete(id);
    return 0;
  }
}
