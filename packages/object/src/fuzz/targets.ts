/**
 * The parsers under fuzz, each over seeds cut from the corpus (clang- and tsbpf-built objects in
 * corpus/): the ELF reader on whole files, the BTF decoder (and the query layer over what it
 * accepts) on `.BTF` sections, split BTF over a base, `LazyBtf`, `.BTF.ext` against its `.BTF`,
 * and the instruction decoder and disassembler on program sections. A target's `run` throws
 * only ObjectFormatError for bad input; anything else it throws is a finding.
 */
import { decodeBtf, encodeBtf } from "../btf/codec.js";
import { decodeBtfExt } from "../btf/ext.js";
import { LazyBtf } from "../btf/lazy.js";
import { findTypeByName, resolveModifiers, typeById, typeName, typeSize, typeSizeVia } from "../btf/query.js";
import type { Btf } from "../btf/types.js";
import { parseElf } from "../elf/file.js";
import { readElf } from "../elf/reader.js";
import { ObjectFormatError } from "../errors.js";
import { decodeInstructions } from "../isa/codec.js";
import { disassemble } from "../isa/disasm.js";

/** One input a target starts from: bytes, a name for messages and regression files, and what the target needs beside them. */
export interface FuzzSeed {
  name: string;
  bytes: Uint8Array;
  /** For `.BTF.ext`: the object's `.BTF`; for split BTF: the base's `.BTF`. */
  companion?: Uint8Array;
}

export interface FuzzTarget {
  name: string;
  /** The seeds this target mutates, from the corpus files (name → bytes). */
  seeds(corpus: ReadonlyMap<string, Uint8Array>): FuzzSeed[];
  /** Parses (and walks) one input; throws ObjectFormatError for bad input. */
  run(bytes: Uint8Array, seed: FuzzSeed): void;
  /** Whether an error is an expected refusal rather than a finding. */
  expected(error: unknown): boolean;
}

const formatErrorsOnly = (error: unknown): boolean => error instanceof ObjectFormatError;

function sectionsNamed(corpus: ReadonlyMap<string, Uint8Array>, pick: (name: string, flags: number) => boolean): FuzzSeed[] {
  const seeds: FuzzSeed[] = [];
  for (const [file, bytes] of corpus) {
    const elf = parseElf(bytes);
    const btf = elf.sections.find((s) => s.name === ".BTF")?.data;
    for (const s of elf.sections) {
      if (s.data.length > 0 && pick(s.name, s.flags)) seeds.push({ name: `${file}:${s.name}`, bytes: s.data.slice(), companion: btf?.slice() });
    }
  }
  return seeds;
}

/** Asks every question of the query layer about every type, as the compiler and runtime do. */
function walkBtf(btf: Btf): void {
  const first = btf.firstTypeId ?? 1;
  for (let id = first; id < first + btf.types.length; id++) {
    const t = typeById(btf, id);
    resolveModifiers(btf, id);
    try {
      typeSize(btf, id);
    } catch (error) {
      if (!(error instanceof ObjectFormatError)) throw error;
    }
    const name = typeName(t);
    if (name !== "") findTypeByName(btf, name, t.kind);
  }
  // What the decoder accepts, the encoder writes back, and the decoder accepts again.
  const again = decodeBtf(encodeBtf(btf), btf.base);
  if (again.types.length !== btf.types.length) throw new Error(`round trip changed the type count: ${btf.types.length} -> ${again.types.length}`);
}

function walkLazy(lazy: LazyBtf): void {
  for (const id of lazy.ids()) {
    const t = lazy.type(id)!;
    lazy.kindOf(id);
    lazy.nameOf(id);
    try {
      typeSizeVia((i) => lazy.type(i), id);
    } catch (error) {
      if (!(error instanceof ObjectFormatError)) throw error;
    }
    const name = typeName(t);
    if (name !== "") lazy.findByName(name, t.kind);
  }
  walkBtf(lazy.toBtf());
}

/** A split BTF seed: a few types over the base's ids and strings, as a module's BTF is over vmlinux's. */
function splitSeed(baseBytes: Uint8Array): Uint8Array {
  const base = decodeBtf(baseBytes);
  const first = base.types.length + 1;
  const intId = base.types.findIndex((t) => t.kind === "int") + 1;
  return encodeBtf({
    base,
    firstTypeId: first,
    types: [
      { kind: "ptr", type: intId },
      { kind: "struct", name: "split_pair", size: 16, members: [{ name: "p", type: first, bitOffset: 0, bitfieldSize: 0 }, { name: "n", type: intId, bitOffset: 64, bitfieldSize: 0 }] },
      { kind: "typedef", name: "split_pair_t", type: first + 1 },
      { kind: "array", type: first + 2, indexType: intId, nelems: 4 },
      { kind: "func_proto", returnType: intId, params: [{ name: "ctx", type: first }] },
      { kind: "func", name: "split_fn", type: first + 4, linkage: 1 },
    ],
  });
}

export const fuzzTargets: FuzzTarget[] = [
  {
    name: "elf",
    seeds: (corpus) => [...corpus].map(([name, bytes]) => ({ name, bytes })),
    run: (bytes) => {
      const spec = readElf(bytes);
      for (const p of spec.programs) disassemble(p.instructions);
    },
    expected: formatErrorsOnly,
  },
  {
    name: "btf",
    seeds: (corpus) => sectionsNamed(corpus, (name) => name === ".BTF"),
    run: (bytes) => walkBtf(decodeBtf(bytes)),
    expected: formatErrorsOnly,
  },
  {
    name: "btf-split",
    seeds: (corpus) => sectionsNamed(corpus, (name) => name === ".BTF").map((s) => ({ name: `${s.name} (split)`, bytes: splitSeed(s.bytes), companion: s.bytes })),
    run: (bytes, seed) => {
      const base = decodeBtf(seed.companion!);
      walkBtf(decodeBtf(bytes, base));
      walkLazy(LazyBtf.parse(bytes, LazyBtf.parse(seed.companion!)));
    },
    expected: formatErrorsOnly,
  },
  {
    name: "btf-lazy",
    seeds: (corpus) => sectionsNamed(corpus, (name) => name === ".BTF"),
    run: (bytes) => walkLazy(LazyBtf.parse(bytes)),
    expected: formatErrorsOnly,
  },
  {
    name: "btf-ext",
    seeds: (corpus) => sectionsNamed(corpus, (name) => name === ".BTF.ext"),
    run: (bytes, seed) => {
      decodeBtfExt(bytes, seed.companion!);
    },
    expected: formatErrorsOnly,
  },
  {
    name: "instructions",
    // SHF_EXECINSTR (4): program and subprogram sections.
    seeds: (corpus) => sectionsNamed(corpus, (_name, flags) => (flags & 4) !== 0),
    run: (bytes, seed) => {
      disassemble(decodeInstructions(bytes, seed.name));
    },
    expected: formatErrorsOnly,
  },
];
