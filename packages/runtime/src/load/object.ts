/**
 * `BpfObject`: a loaded object — its programs, its maps as typed handles, the links made by
 * `attach()` — and the owner of every descriptor and mapping they hold. `close()` (or `using` /
 * `await using`) releases all of it: links first, so that nothing runs against freed maps.
 */
import type { ObjectSpec } from "@tsbpf/object";
import type { Link } from "../links/link.js";
import { GlobalDataHandle } from "../maps/global-data.js";
import { StructOpsMap } from "../maps/struct-ops.js";
import type { BpfMap } from "../maps/map.js";
import type { Fd } from "../sys/fd.js";
import { MapError } from "../errors.js";
import type { BpfProgram } from "./program.js";

/**
 * A loaded object: its programs, its maps as typed handles, the links `attach()` made. `close()`
 * (or `using` / `await using`) releases everything, links first. Returned by `loadObject()`.
 */
export class BpfObject implements Disposable, AsyncDisposable {
  /** The spec the object was loaded from. */
  readonly spec: ObjectSpec;
  /** Programs by name. */
  readonly programs: ReadonlyMap<string, BpfProgram>;
  /**
   * Maps by name: `HashMapHandle` for hash/array-like maps, `RingBufReader` for ring buffers,
   * `GlobalDataHandle` for `.rodata`/`.data`/`.bss`, plain `BpfMap` for the rest.
   */
  readonly maps: ReadonlyMap<string, BpfMap>;
  readonly #btf: Fd | undefined;
  readonly #links = new Set<Link>();
  #closed = false;

  constructor(spec: ObjectSpec, programs: Map<string, BpfProgram>, maps: Map<string, BpfMap>, btf: Fd | undefined) {
    this.spec = spec;
    this.programs = programs;
    this.maps = maps;
    this.#btf = btf;
  }

  /** The links `attach()` made that are still attached. */
  get links(): readonly Link[] {
    return [...this.#links];
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Attaches every program whose section names its hook completely (tracepoint/<cat>/<name>,
   * raw_tp/<name>, fentry/<fn>, uprobe/<binary>:<fn>, usdt/<binary>:<provider>:<name>, ...) and
   * is not attached yet, and registers every struct_ops map; returns the new links. If one
   * fails, those made by this call are detached again and the error is thrown.
   */
  attach(): Link[] {
    this.#assertOpen();
    const attachedPrograms = new Set([...this.#links].map((l) => l.program));
    const made: Link[] = [];
    try {
      for (const program of this.programs.values()) {
        if (!program.attachable || attachedPrograms.has(program.name)) continue;
        made.push(this.adopt(program.attach()));
      }
      for (const map of this.maps.values()) {
        if (map instanceof StructOpsMap && !map.attached) made.push(this.adopt(map.attach()));
      }
    } catch (error) {
      for (const link of made) link.close();
      throw error;
    }
    return made;
  }

  /** Takes ownership of a link (closed with the object). */
  adopt<L extends Link>(link: L): L {
    this.#links.add(link);
    link.onClose(() => this.#links.delete(link));
    return link;
  }

  /** The map `name` (throws when there is none). */
  map(name: string): BpfMap {
    const map = this.maps.get(name);
    if (!map) throw new MapError(`the object has no map ${name} (it has: ${[...this.maps.keys()].join(", ")})`);
    return map;
  }

  /** A global variable's current value, from whichever data section holds it. */
  variable(name: string): unknown {
    return this.#sectionOf(name).get(name);
  }

  /** Sets a `.data`/`.bss` global variable (`.rodata` is frozen: use the `config` option of loadObject). */
  setVariable(name: string, value: unknown): void {
    this.#sectionOf(name).set(name, value);
  }

  #sectionOf(name: string): GlobalDataHandle {
    const sections = [...this.maps.values()].filter((m): m is GlobalDataHandle => m instanceof GlobalDataHandle);
    const section = sections.find((s) => s.names.includes(name));
    if (!section) throw new MapError(`no global variable ${name} (known: ${sections.flatMap((s) => s.names).join(", ") || "none"})`);
    return section;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("tsbpf: this BpfObject is closed");
  }

  /** Detaches every link, then closes programs, maps (unmapping them) and the BTF. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const errors: unknown[] = [];
    const attempt = (f: () => void) => {
      try {
        f();
      } catch (error) {
        errors.push(error);
      }
    };
    for (const link of [...this.#links]) attempt(() => link.close());
    for (const program of this.programs.values()) attempt(() => program.close());
    for (const map of this.maps.values()) attempt(() => map.close());
    attempt(() => this.#btf?.close());
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "tsbpf: errors while closing the object");
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
