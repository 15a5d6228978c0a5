/**
 * Small reads of kernel-provided files (tracefs, sysfs, procfs) through the door, so that the
 * fake can serve them in tests and nothing here blocks on the libuv thread pool.
 */
import { BpfError } from "../errors.js";
import { door } from "./door.js";
import { Errno } from "./errno.js";

export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_NONBLOCK = 0o4000;
export const O_DIRECTORY = 0o200000;

/** The whole content of a small file, or undefined when it does not exist. */
export function readTextFile(path: string): string | undefined {
  const fd = door().open(path, O_RDONLY);
  if (fd === -Errno.ENOENT || fd === -Errno.ENOTDIR) return undefined;
  if (fd < 0) throw BpfError.fromErrno("open", -fd, path);
  try {
    const chunks: Uint8Array[] = [];
    for (;;) {
      const buf = new Uint8Array(4096);
      const n = door().read(fd, buf);
      if (n < 0) throw BpfError.fromErrno("read", -n, path);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    door().close(fd);
  }
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
