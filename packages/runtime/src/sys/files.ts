/**
 * Small reads of kernel-provided files (tracefs, sysfs, procfs) through the door, so that the
 * fake can serve them in tests and nothing here blocks on the libuv thread pool.
 */
import { BpfError } from "../errors.js";
import { door } from "./door.js";
import { Errno } from "./errno.js";
import { Fd } from "./fd.js";

export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_NONBLOCK = 0o4000;
export const O_DIRECTORY = 0o200000;

/** The whole content of a file, or undefined when it does not exist. */
export function readFile(path: string): Uint8Array | undefined {
  const fd = door().open(path, O_RDONLY);
  if (fd === -Errno.ENOENT || fd === -Errno.ENOTDIR) return undefined;
  if (fd < 0) throw BpfError.fromErrno("open", -fd, path);
  try {
    // sysfs and procfs hand files out a page or so per read: read into one growing buffer.
    let out = new Uint8Array(64 * 1024);
    let total = 0;
    for (;;) {
      if (total === out.length) {
        const bigger = new Uint8Array(out.length * 2);
        bigger.set(out);
        out = bigger;
      }
      const n = door().read(fd, out.subarray(total));
      if (n < 0) throw BpfError.fromErrno("read", -n, path);
      if (n === 0) break;
      total += n;
    }
    return out.subarray(0, total);
  } finally {
    door().close(fd);
  }
}

/** The whole content of a text file, or undefined when it does not exist. */
export function readTextFile(path: string): string | undefined {
  const bytes = readFile(path);
  return bytes && new TextDecoder().decode(bytes);
}

/** Opens a file as an owned descriptor (O_CLOEXEC always). */
export function openFile(path: string, flags: number): Fd {
  const fd = door().open(path, flags);
  if (fd < 0) throw BpfError.fromErrno("open", -fd, path);
  return new Fd(fd, path);
}

/** One read(2) into `into`: bytes read, 0 at end of file, or -errno (-EAGAIN when a non-blocking fd has nothing). */
export function readSome(fd: Fd, into: Uint8Array): number {
  return door().read(fd.raw, into);
}

/** Whether `path` exists (a file or directory the process may open). */
export function pathExists(path: string): boolean {
  let fd = door().open(path, O_RDONLY | O_NONBLOCK);
  if (fd === -Errno.EISDIR) fd = door().open(path, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    door().close(fd);
    return true;
  }
  return fd !== -Errno.ENOENT && fd !== -Errno.ENOTDIR;
}
