/**
 * Shared mappings of kernel objects (ring buffers, mmapable arrays) as ArrayBuffers, and
 * readiness watches on descriptors, both through the door.
 */
import { BpfError } from "../errors.js";
import { door, type Watch } from "./door.js";
import type { Fd } from "./fd.js";

export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const MAP_SHARED = 1;

/** The system page size (ring buffer layouts and mmap offsets are counted in pages). */
export function pageSize(): number {
  return door().pageSize();
}

/** mmap(fd, length, prot, MAP_SHARED, offset) as an ArrayBuffer without copying. */
export function mapShared(fd: Fd, length: number, prot: number, offset: number): ArrayBuffer {
  const r = door().mmap(fd.raw, length, prot, MAP_SHARED, offset);
  if (typeof r === "number") throw BpfError.fromErrno("mmap", -r, fd.label);
  return r;
}

/** Unmaps a buffer from mapShared; the buffer is detached, so later use throws instead of faulting. */
export function unmap(buffer: ArrayBuffer): void {
  const r = door().munmap(buffer);
  if (r < 0) throw BpfError.fromErrno("munmap", -r);
}

/** Calls `onReadable` on the event loop whenever the descriptor is readable. */
export function watchReadable(fd: number, label: string, onReadable: (status: number) => void): Watch {
  const w = door().watchReadable(fd, (status) => onReadable(status));
  if (typeof w === "number") throw BpfError.fromErrno("uv_poll_init", -w, label);
  return w;
}
