// Kernel BTF decoding: how long tsbpf takes to open /sys/kernel/btf/vmlinux and find a type, and
// how much memory that holds, next to bpftool (libbpf, C) dumping the same file. cilium/ebpf (Go)
// is quoted from its users' reports, since no Go toolchain is installed here.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LazyBtf, decodeBtf, findTypeByName } from "../packages/object/dist/index.js";

const VMLINUX = process.env.TSBPF_BENCH_BTF ?? "/sys/kernel/btf/vmlinux";
const MEMORY = fileURLToPath(new URL("./btf-memory.mjs", import.meta.url));

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(runs, fn) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

function heldBytes(mode) {
  const out = execFileSync(process.execPath, ["--expose-gc", MEMORY, mode, VMLINUX], { encoding: "utf8" });
  return JSON.parse(out).held;
}

function bpftoolMs(format) {
  const args = ["btf", "dump", "file", VMLINUX, ...(format ? ["format", format] : [])];
  const probe = spawnSync("bpftool", args, { stdio: "ignore" });
  if (probe.error || probe.status !== 0) return undefined;
  return time(5, () => spawnSync("bpftool", args, { stdio: "ignore" }));
}

export async function run() {
  const bytes = new Uint8Array(readFileSync(VMLINUX));
  const readMs = time(10, () => readFileSync(VMLINUX));
  // Warm the JIT as a long-running process would be, then take medians.
  for (let i = 0; i < 3; i++) LazyBtf.parse(bytes).findByName("task_struct", "struct");
  const parseMs = time(15, () => LazyBtf.parse(bytes));
  const indexMs = time(15, () => LazyBtf.parse(bytes).findByName("task_struct", "struct")) - parseMs;
  const lazy = LazyBtf.parse(bytes);
  lazy.findByName("task_struct", "struct");
  const names = ["task_struct", "sk_buff", "file", "inode", "mm_struct", "cred", "filename", "trace_event_raw_sched_switch"];
  const lookupUs = (time(200, (i) => {
    const fresh = names[i % names.length];
    lazy.findByName(fresh, "struct");
  }) * 1000);
  const count = lazy.count;
  let kinds = new Set();
  const fullDecodeMs = time(5, () => {
    const l = LazyBtf.parse(bytes);
    for (let id = 1; id <= l.count; id++) kinds.add(l.type(id).kind);
  });
  for (let i = 0; i < 2; i++) decodeBtf(bytes);
  const eagerMs = time(7, () => findTypeByName(decodeBtf(bytes), "task_struct", "struct"));

  const heldLazy = heldBytes("lazy");
  const heldLookup = heldBytes("lazy+lookup");
  const heldEager = heldBytes("eager");
  const raw = bpftoolMs();
  const c = bpftoolMs("c");
  const mib = (n) => n / (1 << 20);
  const rows = [
    { what: `vmlinux BTF: ${count} types, ${(bytes.length / 1e6).toFixed(1)} MB, kinds: ${[...kinds].length}`, value: "", unit: "" },
    { what: "read the file (readFileSync)", value: readMs, unit: "ms" },
    { what: "LazyBtf.parse (header + offset of every type)", value: parseMs, unit: "ms" },
    { what: "first name lookup (builds the name index)", value: indexMs, unit: "ms" },
    { what: "name lookup afterwards (findByName + decode)", value: lookupUs, unit: "µs" },
    { what: "parse + decode every type lazily", value: fullDecodeMs, unit: "ms" },
    { what: "eager decodeBtf + findTypeByName (whole model)", value: eagerMs, unit: "ms" },
    { what: "memory held: LazyBtf (file bytes included)", value: mib(heldLazy), unit: "MiB" },
    { what: "memory held: LazyBtf after a lookup (+ name index)", value: mib(heldLookup), unit: "MiB" },
    { what: "memory held: eager model + name index", value: mib(heldEager), unit: "MiB" },
    { what: "bpftool btf dump file vmlinux (raw), whole process", value: raw ?? "n/a", unit: raw ? "ms" : "" },
    { what: "bpftool btf dump file vmlinux format c, whole process", value: c ?? "n/a", unit: c ? "ms" : "" },
    { what: "cilium/ebpf LoadKernelSpec (users' reports, not run here)", value: "~50", unit: "ms", note: "~38 MiB held" },
  ];
  const firstLookup = parseMs + indexMs;
  const ratios = [
    `open + first lookup: ${firstLookup.toFixed(1)} ms = ${(firstLookup / 50).toFixed(2)}x cilium/ebpf's ~50 ms; memory ${mib(heldLookup).toFixed(1)} MiB = ${(mib(heldLookup) / 38).toFixed(2)}x its ~38 MiB`,
    raw ? `bpftool raw dump (parse + print, process start included) / tsbpf open + first lookup: ${(raw / firstLookup).toFixed(1)}x` : "bpftool not installed",
    `eager decode / lazy open + first lookup: ${(eagerMs / firstLookup).toFixed(1)}x; eager memory / lazy: ${(heldEager / heldLookup).toFixed(1)}x`,
  ];
  return { title: "BTF: /sys/kernel/btf/vmlinux", rows, ratios };
}
