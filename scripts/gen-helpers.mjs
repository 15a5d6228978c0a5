#!/usr/bin/env node
// Generates packages/tsbpf/src/dsl/helpers.generated.ts: a typed `bpf.<camelCase>` declaration for
// every helper of the kernel's `enum bpf_func_id`, from the kernel's own definitions — the helper
// descriptions in include/uapi/linux/bpf.h (Debian's linux-libc-dev: /usr/include/linux/bpf.h)
// and the id order of its __BPF_FUNC_MAPPER. Helpers newer than that header (listed in the
// running kernel's BTF, /sys/kernel/btf/vmlinux) come from SUPPLEMENT below, with their
// prototypes as a newer bpf.h gives them. Run:
//
//   node scripts/gen-helpers.mjs [--header /usr/include/linux/bpf.h] [--check]
//
// --check compares with the committed file and fails when it is out of date.
//
// The minimum kernel of each helper comes from bcc's docs/kernel-versions.md, extracted into
// scripts/helper-kernel-versions.json by scripts/extract-helper-versions.mjs, and is cross-checked
// against the enum's order: ids are given out in the order helpers are merged, so a helper cannot
// be older than one with a lower id. Where the table contradicts that order, or lacks a helper,
// the version is "unknown" (with the reason), never guessed.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(root, "packages/tsbpf/src/dsl/helpers.generated.ts");
const { values } = parseArgs({ options: { header: { type: "string", default: "/usr/include/linux/bpf.h" }, check: { type: "boolean", default: false } } });

/**
 * Helpers of kernels newer than Debian's 6.1 header: prototype and description as in the bpf.h
 * of the kernel that added them (6.2).
 */
const SUPPLEMENT = [
  {
    id: 210,
    proto: "void *bpf_cgrp_storage_get(struct bpf_map *map, struct cgroup *cgroup, void *value, u64 flags)",
    description: "Get a bpf_local_storage from the *cgroup*; with BPF_LOCAL_STORAGE_GET_F_CREATE in *flags* a new one is created (from *value*, or zeroed) when absent.",
    returns: "A pointer to the storage, or NULL. Kernel 6.2.",
  },
  {
    id: 211,
    proto: "long bpf_cgrp_storage_delete(struct bpf_map *map, struct cgroup *cgroup)",
    description: "Delete a bpf_local_storage from a *cgroup*.",
    returns: "0 on success; -ENOENT if the storage cannot be found. Kernel 6.2.",
  },
];

/** Helpers the compiler gives special forms: declared by hand in helpers.ts, loop.ts, find-vma.ts and kernel-types.ts (getCurrentTask: a Ptr<task_struct>). */
export const OVERRIDDEN = ["trace_printk", "get_current_comm", "get_current_task", "probe_read_user_str", "probe_read_kernel_str", "probe_read_str", "loop", "get_func_ip", "get_attach_cookie", "find_vma"];

// ---- the header ----

const header = readFileSync(values.header, "utf8");

function helperIds(text) {
  const start = text.indexOf("#define __BPF_FUNC_MAPPER(FN)") >= 0 ? text.indexOf("#define __BPF_FUNC_MAPPER(FN)") : text.indexOf("#define ___BPF_FUNC_MAPPER(FN");
  if (start < 0) throw new Error("no __BPF_FUNC_MAPPER in the header");
  const end = text.indexOf("\n\n", start);
  const ids = new Map();
  let next = 0;
  for (const m of text.slice(start, end).matchAll(/FN\((\w+)(?:,\s*(\d+))?/g)) {
    if (m[1] === "FN") continue;
    const id = m[2] === undefined ? next : Number(m[2]);
    ids.set(m[1], id);
    next = id + 1;
  }
  return ids;
}

function helperDocs(text) {
  const start = text.indexOf("Start of BPF helper function descriptions:");
  const end = text.indexOf("*/", start);
  const lines = text.slice(start, end).split("\n").map((l) => l.replace(/^ \*( |\t)?/, ""));
  const docs = new Map();
  let current;
  let section;
  for (const line of lines) {
    const proto = /^(\S.*?\b(bpf_\w+)\s*\(.*\))\s*$/.exec(line);
    if (proto && !line.startsWith("\t")) {
      current = { proto: proto[1], name: proto[2].slice(4), description: [], returns: [] };
      docs.set(current.name, current);
      section = undefined;
      continue;
    }
    if (!current) continue;
    const trimmed = line.trim();
    if (trimmed === "Description") section = "description";
    else if (trimmed === "Return") section = "returns";
    else if (section) current[section].push(trimmed);
  }
  for (const d of docs.values()) {
    d.description = paragraphs(d.description);
    d.returns = paragraphs(d.returns);
  }
  return docs;
}

/** The first two paragraphs, rst markup made plain. */
function paragraphs(lines) {
  const text = lines.join("\n").trim().split(/\n\s*\n/).slice(0, 2).map((p) => p.replace(/\s*\n\s*/g, " ")).join("\n\n");
  return text.replace(/\*\*/g, "`").replace(/\\\s?/g, "").replace(/\*\//g, "* /");
}

// ---- minimum kernel versions ----

const VERSIONS = JSON.parse(readFileSync(join(root, "scripts/helper-kernel-versions.json"), "utf8"));

function compareVersions(a, b) {
  const [a1, a2] = a.split(".").map(Number);
  const [b1, b2] = b.split(".").map(Number);
  return a1 - b1 || a2 - b2;
}

/**
 * name → { kernel } or { unknown: why }, for the helpers in id order. A helper whose listed
 * version is below that of a lower id contradicts the enum's order, and so does that lower id's
 * entry: one of the two is wrong, and the table cannot say which.
 */
function minimumKernels(byId) {
  const out = new Map();
  for (const [name] of byId) {
    const entry = VERSIONS.helpers[name];
    out.set(name, entry ? { kernel: entry.kernel } : { unknown: "not in bcc's kernel-versions.md" });
  }
  for (let i = 0; i < byId.length; i++) {
    const [name] = byId[i];
    const mine = VERSIONS.helpers[name]?.kernel;
    if (!mine) continue;
    for (let j = 0; j < i; j++) {
      const [lower] = byId[j];
      const theirs = VERSIONS.helpers[lower]?.kernel;
      if (!theirs || compareVersions(theirs, mine) <= 0) continue;
      const why = `bcc's kernel-versions.md gives bpf_${name} (id ${byId[i][1]}) ${mine} but bpf_${lower} (id ${byId[j][1]}, merged before it) ${theirs}: one of the two is wrong`;
      out.set(name, { unknown: why });
      out.set(lower, { unknown: why });
    }
  }
  return out;
}

function kernelLine(min) {
  return min.kernel ? `Minimum kernel: Linux ${min.kernel}.` : `Minimum kernel: unknown (${min.unknown}).`;
}

// ---- the running kernel's enum bpf_func_id (to cross-check the header) ----

function kernelHelperIds() {
  try {
    const raw = execFileSync("bpftool", ["btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "raw"], { encoding: "utf8", maxBuffer: 256 << 20 });
    const start = raw.indexOf("ENUM 'bpf_func_id'");
    if (start < 0) return undefined;
    const ids = new Map();
    for (const m of raw.slice(start).split("\n[")[0].matchAll(/'BPF_FUNC_(\w+)' val=(\d+)/g)) ids.set(m[1], Number(m[2]));
    return ids;
  } catch {
    return undefined;
  }
}

// ---- C types to tsbpf types ----

const SCALARS = {
  u8: "u8", __u8: "u8", s8: "i8", __s8: "i8", char: "i8",
  u16: "u16", __u16: "u16", __be16: "u16", s16: "i16", __s16: "i16",
  u32: "u32", __u32: "u32", __be32: "u32", __wsum: "u32", "unsigned int": "u32", s32: "i32", __s32: "i32", int: "i32",
  u64: "u64", __u64: "u64", "unsigned long": "u64", "unsigned long long": "u64", size_t: "u64",
  s64: "i64", __s64: "i64", long: "i64", "long long": "i64",
  bool: "bool", void: "void",
};

/** The tsbpf type of a C type, and what the declaration's comment says about it. */
function tsType(cType, paramName, position) {
  const t = cType.replace(/\bconst\b/g, "").replace(/\s+/g, " ").trim();
  const stars = (t.match(/\*/g) ?? []).length;
  const base = t.replace(/\*/g, "").trim();
  if (stars === 0) {
    if (base.startsWith("enum ")) return { ts: "u32", note: `C ${base}` };
    const scalar = SCALARS[base];
    if (!scalar) throw new Error(`unknown C type '${cType}' (${paramName})`);
    return { ts: scalar };
  }
  // Pointers. An address the helper only reads through bpf_probe_read-style copies (the
  // verifier's ARG_ANYTHING: names like unsafe_ptr) is a plain u64; a returned pointer is the
  // address the compiler holds as a u64; any other pointer is a Ptr to the pointee.
  if (position === "return") return { ts: "u64", note: `returns ${t.trim()}` };
  if (/unsafe_ptr|^src$/.test(paramName) && base === "void") return { ts: "u64", note: `${t} (an address)` };
  return { ts: "AnyPtr", note: t };
}

function camel(name) {
  return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function parseProto(proto) {
  const m = /^(.*?)\b(bpf_\w+)\s*\((.*)\)$/.exec(proto.trim());
  if (!m) throw new Error(`cannot parse ${proto}`);
  const ret = m[1].trim();
  const params = m[3].trim() === "void" || m[3].trim() === "" ? [] : m[3].split(",").map((p) => p.trim());
  return {
    ret,
    params: params.map((p, i) => {
      if (p === "...") return { variadic: true };
      const pm = /^(.*?)(\w+)(\[\])?$/.exec(p);
      const cType = pm[1].trim() + (pm[3] ? " *" : "");
      return { cType, name: pm[2] || `arg${i}` };
    }),
  };
}

const RESERVED = new Set(["function", "default", "new", "delete", "in", "var", "this", "case", "void", "break", "for"]);
const safeName = (n) => (RESERVED.has(n) ? `${n}_` : camel(n));

// ---- output ----

const ids = helperIds(header);
const docs = helperDocs(header);
for (const s of SUPPLEMENT) {
  const name = /\bbpf_(\w+)\s*\(/.exec(s.proto)[1];
  ids.set(name, s.id);
  docs.set(name, { proto: s.proto, name, description: s.description, returns: s.returns });
}
const kernel = kernelHelperIds();
if (kernel) {
  for (const [name, id] of kernel) {
    if (name === "unspec") continue;
    if (ids.get(name) !== id) throw new Error(`the kernel's BPF_FUNC_${name} = ${id}, the header says ${ids.get(name)}: add it to SUPPLEMENT`);
  }
}

const members = [];
const names = [];
const minimums = [];
const byId = [...ids].sort((a, b) => a[1] - b[1]).filter(([name]) => name !== "unspec");
const minimum = minimumKernels(byId);
for (const [name, id] of byId) {
  names.push(`  ${id}: "bpf_${name}",`);
  const min = minimum.get(name);
  minimums.push(min.kernel ? `  ${id}: "${min.kernel}",` : `  ${id}: undefined, // ${min.unknown}`);
  if (OVERRIDDEN.includes(name)) continue;
  const doc = docs.get(name);
  if (!doc) throw new Error(`bpf_${name} (${id}) has no description in ${values.header}`);
  const { ret, params } = parseProto(doc.proto);
  const notes = [];
  const tsParams = params.map((p) => {
    if (p.variadic) throw new Error(`bpf_${name} is variadic: give it a hand-written override`);
    const t = tsType(p.cType, p.name, "param");
    if (t.note) notes.push(`\`${p.name}\`: ${t.note}`);
    return `${safeName(p.name)}: ${t.ts}`;
  });
  const r = tsType(ret, "", "return");
  const returns = r.ts === "bool" ? "bool" : r.ts;
  const comment = [
    `\`${doc.proto.trim()}\``,
    "",
    ...doc.description.split("\n"),
    ...(doc.returns ? ["", `Returns: ${doc.returns}`] : []),
    ...(notes.length ? ["", `Pointer arguments: ${notes.join("; ")}.`] : []),
    "",
    kernelLine(min),
    `@bpfHelper ${id}`,
  ];
  members.push(`  /**\n${comment.map((l) => (l ? `   * ${l}` : "   *")).join("\n")}\n   */\n  ${camel(name)}(${tsParams.join(", ")}): ${returns};`);
}

const text = `// Generated by scripts/gen-helpers.mjs from the kernel's include/uapi/linux/bpf.h — do not edit.
/**
 * Every BPF helper of the kernel's \`enum bpf_func_id\`, typed for probes as \`bpf.<camelCase>\`.
 * Integer arguments and results take the kind of their C type; a pointer argument is an \`AnyPtr\`
 * (or, for raw addresses the helper only copies from, a \`u64\`); a returned pointer is its
 * address as a \`u64\`. The helpers the compiler gives special forms (printk, getCurrentComm,
 * the probeRead*Str family, loop, getCurrentTask) are declared by hand in helpers.ts, loop.ts and kernel-types.ts.
 */
import type { bool, i8, i16, i32, i64, u8, u16, u32, u64 } from "./integers.js";
import type { AnyPtr } from "./memory.js";

export interface BpfHelpers {
${members.join("\n\n")}
}

/** The kernel's name of every helper id (\`enum bpf_func_id\`), e.g. 14 → "bpf_get_current_pid_tgid". */
export const helperNames: Readonly<Record<number, string>> = {
${names.join("\n")}
};

/**
 * The minimum kernel version of every helper id ("4.2"), from bcc's docs/kernel-versions.md
 * (${VERSIONS.source}), cross-checked against the enum's order; undefined where the table lacks the
 * helper or contradicts that order (the comment says which).
 */
export const helperMinKernel: Readonly<Record<number, string | undefined>> = {
${minimums.join("\n")}
};

/** Helper ids the compiler lowers through special forms (declared by hand). */
export const overriddenHelpers: readonly string[] = ${JSON.stringify(OVERRIDDEN.map((n) => `bpf_${n}`))};
`;

if (values.check) {
  const committed = readFileSync(OUT, "utf8");
  if (committed !== text) {
    console.error(`${OUT} is out of date: run node scripts/gen-helpers.mjs`);
    process.exit(1);
  }
  console.log(`${OUT} is up to date (${names.length} helpers)`);
} else {
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}: ${names.length} helpers, ${members.length} generated declarations${kernel ? `, checked against the running kernel's ${kernel.size - 1}` : ""}`);
}
