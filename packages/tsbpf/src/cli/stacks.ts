/**
 * Stack ids as frames in `tsbpf run`. A probe keeps stacks in a StackTrace map and puts the id
 * `getStackId` returned into an event or a map key; tsbpf run recognises such an id by its field's
 * name: an integer field whose name contains "stack" (kernelStack, userStack, kstack, ustack,
 * stackId). A name that starts with "u" or contains "user" is a user stack, named through the
 * process of the record's `pid` (or `tgid`) field; any other a kernel stack, named through
 * /proc/kallsyms. A map whose key is a bare integer is read the same way when the map's own name
 * contains "stack". A negative id is the errno getStackId returned (-EFAULT: no stack of that
 * kind, as a user-mode sample's kernel stack): it becomes no frames.
 */
import { HashMapHandle, StackTraceHandle, foldedName, formatFrame, rememberProcess, type BpfObject, type Frame } from "@tsbpf/runtime";

export interface StackRef {
  field: string;
  user: boolean;
}

/** A stack id resolved: its frames, innermost first. */
export interface Stack {
  id: number;
  user: boolean;
  frames: Frame[];
}

const isStackField = (name: string) => /stack/i.test(name);
const isUserField = (name: string) => /^u|user/i.test(name);

function pidOf(record: Record<string, unknown>): number | undefined {
  const pid = record.pid ?? record.tgid;
  return typeof pid === "number" ? pid : typeof pid === "bigint" ? Number(pid) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export class StackNames {
  readonly #maps: StackTraceHandle[];

  constructor(object: BpfObject) {
    this.#maps = [...object.maps.values()].filter((m): m is StackTraceHandle => m instanceof StackTraceHandle);
  }

  /** Whether the object has stacks at all (else records pass through untouched). */
  get enabled(): boolean {
    return this.#maps.length > 0;
  }

  /** The frames of stack `id` (from the first StackTrace map that holds it). */
  stack(id: number, user: boolean, pid: number | undefined): Stack {
    if (id < 0) return { id, user, frames: [] };
    for (const map of this.#maps) {
      // The handle's own symbolize (kernel, or user with the process); a user stack without a pid
      // keeps its addresses.
      const frames = user && pid === undefined ? map.get(id)?.map((address): Frame => ({ address })) : map.symbolize(id, user ? { pid } : {});
      if (frames) return { id, user, frames };
    }
    return { id, user, frames: [] };
  }

  /** Reads a live process's mappings now (an event's), so that its stacks can be named after it exits. */
  remember(record: unknown): void {
    if (!this.enabled || !isRecord(record)) return;
    const pid = pidOf(record);
    if (pid !== undefined && pid > 0 && Object.keys(record).some((k) => isStackField(k) && isUserField(k))) rememberProcess(pid);
  }

  readonly #remembered = new Set<number>();

  /**
   * Reads the mappings of every process a map key with a user stack names, once per process:
   * run.ts calls this every second while the probe runs, so that the stacks of processes that
   * exit before the end can still be named at the end.
   */
  async rememberFromMaps(object: BpfObject): Promise<void> {
    if (!this.enabled) return;
    for (const [name, map] of object.maps) {
      if (!(map instanceof HashMapHandle) || name.startsWith(".")) continue;
      for await (const [key] of map.entries()) {
        if (!isRecord(key)) break;
        const pid = pidOf(key);
        if (pid === undefined || pid <= 0 || this.#remembered.has(pid)) continue;
        if (!Object.keys(key).some((k) => isStackField(k) && isUserField(k))) break;
        this.#remembered.add(pid);
        rememberProcess(pid);
      }
    }
  }

  /** The stacks a record (an event, a map key) refers to, by field. */
  stacksOf(record: unknown): Map<string, Stack> {
    const out = new Map<string, Stack>();
    if (!this.enabled || !isRecord(record)) return out;
    const pid = pidOf(record);
    for (const [field, value] of Object.entries(record)) {
      if (!isStackField(field) || (typeof value !== "number" && typeof value !== "bigint")) continue;
      const user = isUserField(field);
      out.set(field, this.stack(Number(value), user, pid));
    }
    return out;
  }

  /**
   * A record with its stack ids replaced by their frames as text ("func+0x1a", innermost first),
   * for printing; anything else is returned as it is.
   */
  named(record: unknown, mapName?: string): unknown {
    if (!this.enabled) return record;
    if ((typeof record === "number" || typeof record === "bigint") && mapName !== undefined && isStackField(mapName)) {
      return this.stack(Number(record), isUserField(mapName), undefined).frames.map(formatFrame);
    }
    const stacks = this.stacksOf(record);
    if (stacks.size === 0) return record;
    const copy: Record<string, unknown> = { ...(record as Record<string, unknown>) };
    for (const [field, stack] of stacks) copy[field] = stack.frames.map(formatFrame);
    return copy;
  }

  /**
   * A map entry as a folded stack ("comm;outer;…;inner"), or undefined when its key holds no stack:
   * the key's comm (when it has one), the user frames from the outermost in, then the kernel frames
   * with the "_[k]" suffix flame graph tools colour as kernel code.
   */
  folded(key: unknown, mapName: string): string | undefined {
    if ((typeof key === "number" || typeof key === "bigint") && isStackField(mapName)) {
      const stack = this.stack(Number(key), isUserField(mapName), undefined);
      return stack.frames.map((f) => foldedName(f) + (stack.user ? "" : "_[k]")).reverse().join(";") || undefined;
    }
    const stacks = this.stacksOf(key);
    if (stacks.size === 0) return undefined;
    const parts: string[] = [];
    const comm = (key as Record<string, unknown>).comm;
    if (typeof comm === "string" && comm !== "") parts.push(comm.replace(/;/g, ":"));
    const ordered = [...stacks.values()].sort((a, b) => Number(b.user) - Number(a.user));
    for (const stack of ordered) {
      for (const f of [...stack.frames].reverse()) parts.push(foldedName(f) + (stack.user ? "" : "_[k]"));
    }
    return parts.join(";");
  }
}
