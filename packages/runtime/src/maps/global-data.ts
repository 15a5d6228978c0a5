/**
 * `GlobalDataHandle`: the variables of a global data section (`.rodata`, `.data`, `.bss`) by
 * name, read and written in place through a shared mapping of the section's array map
 * (BPF_F_MMAPABLE, kernel 5.5), so that writing one variable never races with the program
 * updating another. `.rodata` is frozen at load and read-only here.
 */
import type { Btf, MapSpec } from "@tsbpf/object";
import { codecFor, encodeInto, type Codec } from "../btf-values/index.js";
import { findDatasec, typeAt } from "../btf/query.js";
import { MapError } from "../errors.js";
import { mapLookup, mapUpdate } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";
import { mapShared, pageSize, PROT_READ, PROT_WRITE, unmap } from "../sys/memory.js";
import { BpfMap } from "./map.js";

export interface GlobalVariable {
  name: string;
  offset: number;
  codec: Codec;
}

/** The variables a DATASEC declares, by name. */
export function sectionVariables(btf: Btf, section: string): Map<string, GlobalVariable> {
  const vars = new Map<string, GlobalVariable>();
  const datasec = findDatasec(btf, section);
  if (!datasec) return vars;
  for (const v of datasec.vars) {
    const t = typeAt(btf, v.type);
    if (t?.kind !== "var") continue;
    vars.set(t.name, { name: t.name, offset: v.offset, codec: codecFor(btf, t.type) });
  }
  return vars;
}

export class GlobalDataHandle extends BpfMap {
  readonly #vars: Map<string, GlobalVariable>;
  readonly #readOnly: boolean;
  #memory: ArrayBuffer | undefined;

  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">, vars: Map<string, GlobalVariable>, options: { readOnly: boolean; mmapable: boolean }) {
    super(fd, spec);
    this.#vars = vars;
    this.#readOnly = options.readOnly;
    if (options.mmapable && spec.valueSize > 0) {
      const length = Math.ceil(spec.valueSize / pageSize()) * pageSize();
      this.#memory = mapShared(fd, length, options.readOnly ? PROT_READ : PROT_READ | PROT_WRITE, 0);
    }
  }

  /** The variable names of this section. */
  get names(): string[] {
    return [...this.#vars.keys()];
  }

  #variable(name: string): GlobalVariable {
    const v = this.#vars.get(name);
    if (!v) throw new MapError(`no variable ${name} in ${this.name} (it has: ${this.names.join(", ") || "none"})`, { map: this.name });
    return v;
  }

  /** The section's bytes: the live mapping, or a copy read with a lookup. */
  #view(): DataView {
    if (this.#memory) return new DataView(this.#memory, 0, this.valueSize);
    const bytes = new Uint8Array(this.valueSize);
    mapLookup(this.fd, new Uint8Array(4), bytes);
    return new DataView(bytes.buffer);
  }

  /** The current value of variable `name`. */
  get(name: string): unknown {
    const v = this.#variable(name);
    return v.codec.read(this.#view(), v.offset);
  }

  /** Writes variable `name` (not for `.rodata`, which is frozen once the programs are loaded). */
  set(name: string, value: unknown): void {
    if (this.#readOnly) throw new MapError(`${name} is read-only: ${this.name} is frozen at load (set it with the config option instead)`, { map: this.name });
    const v = this.#variable(name);
    if (this.#memory) {
      // Validate into a scratch buffer first, so that a bad value never half-writes the variable.
      const scratch = new Uint8Array(v.codec.size);
      encodeInto(v.codec, new DataView(scratch.buffer), 0, value, { map: this.name, what: name });
      new Uint8Array(this.#memory, v.offset, v.codec.size).set(scratch);
      return;
    }
    const view = this.#view();
    new Uint8Array(view.buffer, v.offset, v.codec.size).fill(0);
    encodeInto(v.codec, view, v.offset, value, { map: this.name, what: name });
    mapUpdate(this.fd, new Uint8Array(4), new Uint8Array(view.buffer));
  }

  /** Every variable and its value. */
  toObject(): Record<string, unknown> {
    const view = this.#view();
    const out: Record<string, unknown> = {};
    for (const v of this.#vars.values()) out[v.name] = v.codec.read(view, v.offset);
    return out;
  }

  override close(): void {
    if (this.#memory) {
      unmap(this.#memory);
      this.#memory = undefined;
    }
    super.close();
  }
}
