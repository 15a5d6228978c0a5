/**
 * lirc_mode2 programs: attached to a LIRC device (`/dev/lirc0`) with BPF_PROG_ATTACH
 * (BPF_LIRC_MODE2), they decode the raw infrared pulses and spaces the device receives and report
 * key presses with `bpf.rcKeydown`. Kernel 4.18 (CONFIG_BPF_LIRC_MODE2). Not a BPF link: closing
 * detaches (BPF_PROG_DETACH) and closes the device.
 */
import { BpfError, NotSupportedError } from "../errors.js";
import { bpfFailure, Cmd, progAttachRaw } from "../sys/bpf.js";
import { Errno } from "../sys/errno.js";
import { openFile, O_RDWR } from "../sys/files.js";
import { AttachType } from "../load/types.js";
import { Link } from "./link.js";

export interface LircOptions {
  /** The LIRC device ("/dev/lirc0"). */
  device: string;
}

/** Attaches a lirc_mode2 program to a LIRC device. Kernel 4.18. */
export function attachLirc(program: string, progFd: number, options: LircOptions): Link {
  const device = openFile(options.device, O_RDWR);
  const what = `lirc_mode2 on ${options.device}`;
  const r = progAttachRaw(false, device.raw, progFd, AttachType.LIRC_MODE2);
  if (r < 0) {
    device.close();
    if (r === -Errno.EINVAL) throw new NotSupportedError(what, "the kernel has no BPF decoders for LIRC devices (CONFIG_BPF_LIRC_MODE2), or the device is not a raw IR receiver", { errno: -r, syscall: "BPF_PROG_ATTACH" });
    throw bpfFailure(Cmd.PROG_ATTACH, -r, `${program} → ${what}`);
  }
  return new Link(program, what, undefined, [{
    close: () => {
      const d = progAttachRaw(true, device.raw, progFd, AttachType.LIRC_MODE2);
      device.close();
      if (d < 0 && d !== -Errno.ENOENT && d !== -19 /* ENODEV: unplugged */) throw BpfError.fromErrno("BPF_PROG_DETACH", -d, what);
    },
  }]);
}
