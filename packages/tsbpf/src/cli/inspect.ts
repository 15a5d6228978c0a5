/**
 * `tsbpf inspect <obj.o>`: what a BPF object holds — programs (section, type, instruction count),
 * maps (type, key/value sizes and BTF types), a BTF summary — and each program's disassembly with
 * the source lines of its line_info in between. Works on any libbpf-style object: tsbpf's and
 * clang's alike. Reads the file only; needs no kernel.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { readElf } from "@tsbpf/object";
import { programKind, progTypeName } from "@tsbpf/runtime";
import { helperNames } from "../dsl/helpers.js";
import { UsageError } from "./args.js";
import { formatInspect, type InspectOptions } from "./inspect-format.js";

/** `enum bpf_map_type`, by value. */
const MAP_TYPES = [
  "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array", "stack_trace",
  "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps", "hash_of_maps", "devmap", "sockmap",
  "cpumap", "xskmap", "sockhash", "cgroup_storage", "reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack",
  "sk_storage", "devmap_hash", "struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter",
  "user_ringbuf", "cgrp_storage", "arena",
];

export const inspectOptions: InspectOptions = {
  helperName: (id) => helperNames[id],
  programType: (section) => {
    try {
      return progTypeName(programKind(section).progType);
    } catch {
      return "unknown";
    }
  },
  mapType: (type) => MAP_TYPES[type] ?? `type ${type}`,
};

/** The report for an object file's bytes. */
export function inspectBytes(bytes: Uint8Array, name: string): string {
  return formatInspect(readElf(bytes), name, inspectOptions);
}

export function inspect(command: { file: string }, io: { stdout: NodeJS.WritableStream }): void {
  if (!existsSync(command.file)) throw new UsageError(`no such file: ${command.file}`);
  const bytes = new Uint8Array(readFileSync(command.file));
  io.stdout.write(inspectBytes(bytes, basename(command.file)));
}
