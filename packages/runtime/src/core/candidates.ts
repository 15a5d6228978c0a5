/**
 * Candidate search (libbpf's bpf_core_find_cands): the target types whose essential name (the
 * name with any `___flavour` stripped) equals the local type's and whose kind is compatible.
 * vmlinux is searched first; module BTFs only when vmlinux has no candidate.
 */
import { essentialName, type LazyBtf } from "@tsbpf/object";
import { kindsCompatible, nameOf, type TypeSource } from "./types.js";

export interface TargetBtf {
  /** "vmlinux", a module's name, or the custom BTF's label. */
  name: string;
  btf: LazyBtf;
}

export interface Candidate {
  target: TargetBtf;
  id: number;
}

export class CoreTargets {
  #modules: TargetBtf[] | undefined;

  constructor(
    readonly main: TargetBtf,
    private readonly loadModules: () => TargetBtf[],
  ) {}

  /** Module BTFs, read on first need. */
  get modules(): TargetBtf[] {
    this.#modules ??= this.loadModules();
    return this.#modules;
  }

  /** Candidates for local type `localId`; empty for anonymous types (libbpf does not search those). */
  candidates(local: TypeSource, localId: number): Candidate[] {
    const localType = local.type(localId);
    const name = essentialName(nameOf(localType));
    if (localType === undefined || name === "") return [];
    const search = (target: TargetBtf): Candidate[] =>
      target.btf
        .ownIdsByEssentialName(name)
        .filter((id) => kindsCompatible(target.btf.type(id)!, localType))
        .map((id) => ({ target, id }));
    const found = search(this.main);
    if (found.length > 0) return found;
    return this.modules.flatMap(search);
  }
}
