// packages/tsbpf/dist/index.js
import { createRequire as __tsbpfCreateRequire5 } from "node:module";

// packages/tsbpf/dist/chunks/chunk-QZCOVHNP.js
import { createRequire as __tsbpfCreateRequire } from "node:module";
var require2 = __tsbpfCreateRequire(import.meta.url);
var KernelOnlyError = class extends Error {
  constructor(what) {
    super(`tsbpf: ${what} runs only inside the kernel. Probe methods are compiled to BPF by tsbpf; load the class with load() and talk to it through its map handles instead of calling it.`);
    this.name = "KernelOnlyError";
  }
};
function kernelOnly(owner) {
  return new Proxy({}, {
    get(_target, property) {
      if (typeof property === "symbol")
        return void 0;
      return () => {
        throw new KernelOnlyError(`${owner}.${property}()`);
      };
    }
  });
}
var bpf = kernelOnly("bpf");

// packages/tsbpf/dist/chunks/chunk-OPTJ6BPN.js
import { createRequire as __tsbpfCreateRequire2 } from "node:module";
import { readFileSync as readFileSync2 } from "node:fs";
import { resolve } from "node:path";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join, sep } from "node:path";
var require3 = __tsbpfCreateRequire2(import.meta.url);
var FORMAT = "v1";
function cacheEnabled() {
  return process.env.TSBPF_CACHE !== "0";
}
function sha256(data) {
  return nodeCrypto().createHash("sha256").update(data).digest("hex");
}
function cacheDir(probeFile) {
  if (process.env.TSBPF_CACHE_DIR)
    return process.env.TSBPF_CACHE_DIR;
  for (let dir = dirname(probeFile); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules")))
      return join(dir, "node_modules", ".cache", "tsbpf");
    if (dirname(dir) === dir)
      break;
  }
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tsbpf");
}
function nodeCrypto() {
  return createRequire(import.meta.url)("node:crypto");
}
var identity;
function compilerIdentity() {
  if (identity)
    return identity;
  const require22 = createRequire(import.meta.url);
  const entry = realpathSync(require22.resolve("@tsbpf/compiler"));
  let root = dirname(entry);
  while (!existsSync(join(root, "package.json")) && dirname(root) !== root)
    root = dirname(root);
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  const parts = [`@tsbpf/compiler@${version}`];
  if (!root.split(sep).includes("node_modules"))
    parts.push(fingerprint([join(root, "src"), join(root, "dist")]));
  identity = sha256(parts.join("\n"));
  return identity;
}
function fingerprint(dirs) {
  const lines = [];
  const walk = (d) => {
    if (!existsSync(d))
      return;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory())
        walk(path);
      else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
        const s = statSync(path);
        lines.push(`${path} ${s.size} ${s.mtimeMs}`);
      }
    }
  };
  for (const dir of dirs)
    walk(dir);
  return sha256(lines.sort().join("\n"));
}
function manifestKey(probeFile, text, options) {
  return sha256([FORMAT, compilerIdentity(), JSON.stringify(options), probeFile, sha256(text)].join("\n"));
}
function readIfExists(path) {
  try {
    return readFileSync(path);
  } catch {
    return void 0;
  }
}
function lookup(probeFile, options) {
  const text = readIfExists(probeFile);
  if (!text)
    return void 0;
  const dir = cacheDir(probeFile);
  const raw = readIfExists(join(dir, FORMAT, "manifests", `${manifestKey(probeFile, text, options)}.json`));
  if (!raw)
    return void 0;
  let manifest;
  try {
    manifest = JSON.parse(raw.toString("utf8"));
  } catch {
    return void 0;
  }
  for (const input of manifest.inputs) {
    const bytes = readIfExists(input.path);
    if (!bytes || sha256(bytes) !== input.sha256)
      return void 0;
  }
  const probes = [];
  for (const { className, object } of manifest.probes) {
    const elf = readIfExists(join(dir, FORMAT, "objects", `${object}.o`));
    if (!elf || sha256(elf) !== object)
      return void 0;
    probes.push({ className, elf: new Uint8Array(elf.buffer, elf.byteOffset, elf.byteLength) });
  }
  return { probes, warnings: manifest.warnings };
}
function writeAtomic(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${nodeCrypto().randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}
function store(probeFile, text, options, inputs, entry) {
  try {
    const dir = cacheDir(probeFile);
    const manifest = { inputs: [], probes: [], warnings: entry.warnings };
    for (const path of inputs) {
      const bytes = path === probeFile ? text : readIfExists(path);
      if (!bytes)
        return;
      manifest.inputs.push({ path, sha256: sha256(bytes) });
    }
    for (const probe2 of entry.probes) {
      const object = sha256(probe2.elf);
      const path = join(dir, FORMAT, "objects", `${object}.o`);
      if (!existsSync(path))
        writeAtomic(path, probe2.elf);
      manifest.probes.push({ className: probe2.className, object });
    }
    writeAtomic(join(dir, FORMAT, "manifests", `${manifestKey(probeFile, text, options)}.json`), JSON.stringify(manifest));
  } catch {
  }
}
var CompileError = class extends Error {
  diagnostics;
  /** Every diagnostic (errors and warnings), formatted, in source order. */
  all;
  constructor(file, diagnostics, all = diagnostics) {
    super(`tsbpf: ${file} does not compile:

${diagnostics.join("\n\n")}`);
    this.name = "CompileError";
    this.diagnostics = diagnostics;
    this.all = all;
  }
};
function readText(file) {
  try {
    return readFileSync2(file, "utf8");
  } catch {
    return void 0;
  }
}
async function compileProbeFile(path, options = {}) {
  const file = resolve(path);
  const compileOptions = { sourceRoot: resolve(options.sourceRoot ?? process.cwd()) };
  if (cacheEnabled()) {
    const hit = lookup(file, compileOptions);
    if (hit)
      return { ...hit, fromCache: true };
  }
  const bytes = readFileSync2(file);
  const text = bytes.toString("utf8");
  const { compileSource, formatDiagnostic } = await import("@tsbpf/compiler");
  const result = compileSource(file, text, compileOptions);
  const format = (d) => formatDiagnostic(d, d.file === file ? text : readText(d.file));
  const all = result.diagnostics.map(format);
  const errors = result.diagnostics.filter((d) => d.category === "error").map(format);
  const warnings = result.diagnostics.filter((d) => d.category !== "error").map(format);
  if (errors.length > 0)
    throw new CompileError(file, errors, all);
  const probes = result.probes.map((p) => ({ className: p.className, elf: p.elf }));
  if (cacheEnabled())
    store(file, bytes, compileOptions, result.inputs, { probes, warnings });
  return { probes, warnings, fromCache: false };
}

// packages/tsbpf/dist/chunks/chunk-VOFEG6YL.js
import { createRequire as __tsbpfCreateRequire3 } from "node:module";
var require4 = __tsbpfCreateRequire3(import.meta.url);

// packages/tsbpf/dist/index.js
import { dirname as dirname2, isAbsolute, sep as sep2 } from "node:path";
import { fileURLToPath } from "node:url";

// packages/object/dist/index.js
import { createRequire as __tsbpfCreateRequire4 } from "node:module";
var require5 = __tsbpfCreateRequire4(import.meta.url);
var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var MapType = {
  Hash: 1,
  Array: 2,
  ProgArray: 3,
  PerfEventArray: 4,
  PerCpuHash: 5,
  PerCpuArray: 6,
  StackTrace: 7,
  LruHash: 9,
  LruPerCpuHash: 10,
  LpmTrie: 11,
  Queue: 22,
  Stack: 23,
  RingBuf: 27,
  BloomFilter: 30
};
var ObjectFormatError = class extends Error {
  name = "ObjectFormatError";
  /** The ELF section (or blob: ".BTF", ".BTF.ext") where the defect was found. */
  section;
  constructor(section, message) {
    super(`${section}: ${message}`);
    this.section = section;
  }
};
var ObjectSpecError = class extends Error {
  name = "ObjectSpecError";
};
var Class = {
  LD: 0,
  LDX: 1,
  ST: 2,
  STX: 3,
  ALU: 4,
  JMP: 5,
  JMP32: 6,
  ALU64: 7
};
var Size = { W: 0, H: 8, B: 16, DW: 24 };
var Mode = { IMM: 0, ABS: 32, IND: 64, MEM: 96, MEMSX: 128, ATOMIC: 192 };
var Source = { K: 0, X: 8 };
var AluOp = {
  ADD: 0,
  SUB: 16,
  MUL: 32,
  DIV: 48,
  OR: 64,
  AND: 80,
  LSH: 96,
  RSH: 112,
  NEG: 128,
  MOD: 144,
  XOR: 160,
  MOV: 176,
  ARSH: 192,
  END: 208
};
var JmpOp = {
  JA: 0,
  JEQ: 16,
  JGT: 32,
  JGE: 48,
  JSET: 64,
  JNE: 80,
  JSGT: 96,
  JSGE: 112,
  CALL: 128,
  EXIT: 144,
  JLT: 160,
  JLE: 176,
  JSLT: 192,
  JSLE: 208
};
var PseudoSrc = {
  MAP_FD: 1,
  MAP_VALUE: 2,
  BTF_ID: 3,
  FUNC: 4,
  MAP_IDX: 5,
  MAP_IDX_VALUE: 6
};
var CallSrc = { HELPER: 0, PSEUDO_CALL: 1, KFUNC: 2 };
var AtomicOp = {
  ADD: 0,
  OR: 64,
  AND: 80,
  XOR: 160,
  FETCH: 1,
  /** Always fetches: `XCHG` and `CMPXCHG` include the FETCH bit. */
  XCHG: 224 | 1,
  CMPXCHG: 240 | 1,
  LOAD_ACQ: 256,
  STORE_REL: 272
};
var Endian = { TO_LE: 0, TO_BE: 8 };
var LD_IMM64 = Class.LD | Size.DW | Mode.IMM;
var CALL = Class.JMP | JmpOp.CALL;
var EXIT = Class.JMP | JmpOp.EXIT;
function isLdImm64(insn2) {
  return insn2.code === LD_IMM64;
}
var INSTRUCTION_SIZE = 8;
function decodeInstructions(bytes, section = "instructions") {
  if (bytes.length % INSTRUCTION_SIZE !== 0) {
    throw new ObjectFormatError(section, `size ${bytes.length} is not a multiple of ${INSTRUCTION_SIZE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const insns = new Array(bytes.length / INSTRUCTION_SIZE);
  for (let i = 0, at = 0; at < bytes.length; i++, at += INSTRUCTION_SIZE) {
    const regs = view.getUint8(at + 1);
    insns[i] = {
      code: view.getUint8(at),
      dst: regs & 15,
      src: regs >> 4,
      off: view.getInt16(at + 2, true),
      imm: view.getInt32(at + 4, true)
    };
  }
  return insns;
}
var aluOps = {
  [AluOp.ADD]: "+=",
  [AluOp.SUB]: "-=",
  [AluOp.MUL]: "*=",
  [AluOp.DIV]: "/=",
  [AluOp.OR]: "|=",
  [AluOp.AND]: "&=",
  [AluOp.LSH]: "<<=",
  [AluOp.RSH]: ">>=",
  [AluOp.MOD]: "%=",
  [AluOp.XOR]: "^=",
  [AluOp.MOV]: "=",
  [AluOp.ARSH]: "s>>="
};
var jmpOps = {
  [JmpOp.JEQ]: "==",
  [JmpOp.JGT]: ">",
  [JmpOp.JGE]: ">=",
  [JmpOp.JSET]: "&",
  [JmpOp.JNE]: "!=",
  [JmpOp.JSGT]: "s>",
  [JmpOp.JSGE]: "s>=",
  [JmpOp.JLT]: "<",
  [JmpOp.JLE]: "<=",
  [JmpOp.JSLT]: "s<",
  [JmpOp.JSLE]: "s<="
};
var unsignedSizes = { [Size.W]: "u32", [Size.H]: "u16", [Size.B]: "u8", [Size.DW]: "u64" };
var signedSizes = { [Size.W]: "s32", [Size.H]: "s16", [Size.B]: "s8" };
var atomicNames = { [AtomicOp.ADD]: "add", [AtomicOp.AND]: "and", [AtomicOp.OR]: "or", [AtomicOp.XOR]: "xor" };
var builders_exports = {};
__export(builders_exports, {
  alu32Imm: () => alu32Imm,
  alu32Reg: () => alu32Reg,
  alu64Imm: () => alu64Imm,
  alu64Reg: () => alu64Reg,
  atomic: () => atomic,
  atomicAdd: () => atomicAdd,
  bswap: () => bswap,
  call: () => call,
  callKfunc: () => callKfunc,
  callPseudo: () => callPseudo,
  endian: () => endian,
  exit: () => exit,
  ja: () => ja,
  jaLong: () => jaLong,
  jmp32Imm: () => jmp32Imm,
  jmp32Reg: () => jmp32Reg,
  jmpImm: () => jmpImm,
  jmpReg: () => jmpReg,
  ldAbs: () => ldAbs,
  ldFunc: () => ldFunc,
  ldImm64: () => ldImm64,
  ldInd: () => ldInd,
  ldMapFd: () => ldMapFd,
  ldMapValue: () => ldMapValue,
  ldx: () => ldx,
  ldxsx: () => ldxsx,
  mov32Imm: () => mov32Imm,
  mov32Reg: () => mov32Reg,
  mov64Imm: () => mov64Imm,
  mov64Reg: () => mov64Reg,
  movsx32: () => movsx32,
  movsx64: () => movsx64,
  neg32: () => neg32,
  neg64: () => neg64,
  sdiv64Reg: () => sdiv64Reg,
  smod64Reg: () => smod64Reg,
  st: () => st,
  stx: () => stx
});
var sizeByName = { u8: Size.B, u16: Size.H, u32: Size.W, u64: Size.DW };
function sizeCode(size) {
  return typeof size === "string" ? sizeByName[size] : size;
}
function insn(code, dst = 0, src = 0, off = 0, imm = 0) {
  return { code, dst, src, off, imm: imm | 0 };
}
function alu64Imm(op, dst, imm) {
  return insn(Class.ALU64 | op | Source.K, dst, 0, 0, imm);
}
function alu64Reg(op, dst, src) {
  return insn(Class.ALU64 | op | Source.X, dst, src);
}
function alu32Imm(op, dst, imm) {
  return insn(Class.ALU | op | Source.K, dst, 0, 0, imm);
}
function alu32Reg(op, dst, src) {
  return insn(Class.ALU | op | Source.X, dst, src);
}
function mov64Imm(dst, imm) {
  return alu64Imm(AluOp.MOV, dst, imm);
}
function mov64Reg(dst, src) {
  return alu64Reg(AluOp.MOV, dst, src);
}
function mov32Imm(dst, imm) {
  return alu32Imm(AluOp.MOV, dst, imm);
}
function mov32Reg(dst, src) {
  return alu32Reg(AluOp.MOV, dst, src);
}
function neg64(dst) {
  return insn(Class.ALU64 | AluOp.NEG | Source.K, dst);
}
function neg32(dst) {
  return insn(Class.ALU | AluOp.NEG | Source.K, dst);
}
function movsx64(dst, src, fromBits) {
  return insn(Class.ALU64 | AluOp.MOV | Source.X, dst, src, fromBits);
}
function movsx32(dst, src, fromBits) {
  return insn(Class.ALU | AluOp.MOV | Source.X, dst, src, fromBits);
}
function sdiv64Reg(dst, src) {
  return insn(Class.ALU64 | AluOp.DIV | Source.X, dst, src, 1);
}
function smod64Reg(dst, src) {
  return insn(Class.ALU64 | AluOp.MOD | Source.X, dst, src, 1);
}
function endian(order, dst, bits) {
  return insn(Class.ALU | AluOp.END | (order === "be" ? Endian.TO_BE : Endian.TO_LE), dst, 0, 0, bits);
}
function bswap(dst, bits) {
  return insn(Class.ALU64 | AluOp.END | Endian.TO_LE, dst, 0, 0, bits);
}
function ldx(size, dst, src, off) {
  return insn(Class.LDX | sizeCode(size) | Mode.MEM, dst, src, off);
}
function ldxsx(size, dst, src, off) {
  return insn(Class.LDX | sizeCode(size) | Mode.MEMSX, dst, src, off);
}
function stx(size, dst, src, off) {
  return insn(Class.STX | sizeCode(size) | Mode.MEM, dst, src, off);
}
function st(size, dst, off, imm) {
  return insn(Class.ST | sizeCode(size) | Mode.MEM, dst, 0, off, imm);
}
function atomic(size, op, dst, src, off) {
  return insn(Class.STX | sizeCode(size) | Mode.ATOMIC, dst, src, off, op);
}
function atomicAdd(size, dst, src, off) {
  return atomic(size, AtomicOp.ADD, dst, src, off);
}
function ldAbs(size, imm) {
  return insn(Class.LD | sizeCode(size) | Mode.ABS, 0, 0, 0, imm);
}
function ldInd(size, src, imm) {
  return insn(Class.LD | sizeCode(size) | Mode.IND, 0, src, 0, imm);
}
function ldImm64Raw(dst, src, lo, hi) {
  return [insn(Class.LD | Size.DW | Mode.IMM, dst, src, 0, lo), insn(0, 0, 0, 0, hi)];
}
function ldImm64(dst, value) {
  const bits = BigInt.asUintN(64, value);
  return ldImm64Raw(dst, 0, Number(BigInt.asIntN(32, bits)), Number(BigInt.asIntN(32, bits >> 32n)));
}
function ldMapFd(dst, fd) {
  return ldImm64Raw(dst, PseudoSrc.MAP_FD, fd, 0);
}
function ldMapValue(dst, fd, off) {
  return ldImm64Raw(dst, PseudoSrc.MAP_VALUE, fd, off);
}
function ldFunc(dst, relativeOff) {
  return ldImm64Raw(dst, PseudoSrc.FUNC, relativeOff, 0);
}
function jmpImm(op, dst, imm, off) {
  return insn(Class.JMP | op | Source.K, dst, 0, off, imm);
}
function jmpReg(op, dst, src, off) {
  return insn(Class.JMP | op | Source.X, dst, src, off);
}
function jmp32Imm(op, dst, imm, off) {
  return insn(Class.JMP32 | op | Source.K, dst, 0, off, imm);
}
function jmp32Reg(op, dst, src, off) {
  return insn(Class.JMP32 | op | Source.X, dst, src, off);
}
function ja(off) {
  return insn(Class.JMP | JmpOp.JA, 0, 0, off);
}
function jaLong(imm) {
  return insn(Class.JMP32 | JmpOp.JA, 0, 0, 0, imm);
}
function call(helperId) {
  return insn(Class.JMP | JmpOp.CALL, 0, CallSrc.HELPER, 0, helperId);
}
function callPseudo(relativeOff) {
  return insn(Class.JMP | JmpOp.CALL, 0, CallSrc.PSEUDO_CALL, 0, relativeOff);
}
function callKfunc(btfId, btfFdIndex = 0) {
  return insn(Class.JMP | JmpOp.CALL, 0, CallSrc.KFUNC, btfFdIndex, btfId);
}
function exit() {
  return insn(Class.JMP | JmpOp.EXIT);
}
var BtfKind = {
  UNKN: 0,
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19
};
var kindNumber = {
  int: BtfKind.INT,
  ptr: BtfKind.PTR,
  array: BtfKind.ARRAY,
  struct: BtfKind.STRUCT,
  union: BtfKind.UNION,
  enum: BtfKind.ENUM,
  fwd: BtfKind.FWD,
  typedef: BtfKind.TYPEDEF,
  volatile: BtfKind.VOLATILE,
  const: BtfKind.CONST,
  restrict: BtfKind.RESTRICT,
  func: BtfKind.FUNC,
  func_proto: BtfKind.FUNC_PROTO,
  var: BtfKind.VAR,
  datasec: BtfKind.DATASEC,
  float: BtfKind.FLOAT,
  decl_tag: BtfKind.DECL_TAG,
  type_tag: BtfKind.TYPE_TAG,
  enum64: BtfKind.ENUM64
};
var IntEncoding = { SIGNED: 1, CHAR: 2, BOOL: 4 };
var BTF_MAGIC = 60319;
var BTF_VERSION = 1;
var BTF_HEADER_SIZE = 24;
var ByteWriter = class {
  buf = new Uint8Array(256);
  view = new DataView(this.buf.buffer);
  len = 0;
  get length() {
    return this.len;
  }
  /** Claims `n` bytes at the end and returns their offset; may replace `buf` and `view`. */
  reserve(n) {
    const at = this.len;
    const need = at + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need)
        size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.len = need;
    return at;
  }
  u8(value) {
    const at = this.reserve(1);
    this.view.setUint8(at, value);
    return this;
  }
  u16(value) {
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
    return this;
  }
  u32(value) {
    const at = this.reserve(4);
    this.view.setUint32(at, value >>> 0, true);
    return this;
  }
  i32(value) {
    const at = this.reserve(4);
    this.view.setInt32(at, value, true);
    return this;
  }
  u64(value) {
    const at = this.reserve(8);
    this.view.setBigUint64(at, BigInt(value), true);
    return this;
  }
  bytes(data) {
    const at = this.reserve(data.length);
    this.buf.set(data, at);
    return this;
  }
  /** Appends `text` as UTF-8 followed by a NUL byte (string tables). */
  cstring(text) {
    const n = text.length;
    const at = this.reserve(n + 1);
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128) {
        this.len = at;
        return this.bytes(encodeUtf8(text)).u8(0);
      }
      this.buf[at + i] = c;
    }
    this.buf[at + n] = 0;
    return this;
  }
  /** Appends zero bytes until the length is a multiple of `alignment`. */
  align(alignment) {
    const pad = (alignment - this.len % alignment) % alignment;
    this.reserve(pad);
    return this;
  }
  /** Overwrites a u32 already written (for sizes known only later). */
  patchU32(at, value) {
    this.view.setUint32(at, value >>> 0, true);
  }
  /** A copy of the bytes written so far. */
  finish() {
    return this.buf.slice(0, this.len);
  }
};
var ByteReader = class {
  bytes;
  section;
  view;
  constructor(bytes, section) {
    this.bytes = bytes;
    this.section = section;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get length() {
    return this.bytes.length;
  }
  check(offset, size, what) {
    if (offset < 0 || size < 0 || offset + size > this.bytes.length || !Number.isInteger(offset)) {
      throw new ObjectFormatError(this.section, `${what} at offset ${offset} (${size} bytes) runs past the end (${this.bytes.length} bytes)`);
    }
  }
  u8(offset, what = "byte") {
    this.check(offset, 1, what);
    return this.view.getUint8(offset);
  }
  u16(offset, what = "u16") {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, true);
  }
  u32(offset, what = "u32") {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, true);
  }
  i32(offset, what = "i32") {
    this.check(offset, 4, what);
    return this.view.getInt32(offset, true);
  }
  u64(offset, what = "u64") {
    this.check(offset, 8, what);
    return this.view.getBigUint64(offset, true);
  }
  /** A u64 that must fit a JS number (file offsets and sizes). */
  u64n(offset, what = "u64") {
    const value = this.u64(offset, what);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ObjectFormatError(this.section, `${what} ${value} is too large`);
    }
    return Number(value);
  }
  /** A sub-range, bounds-checked. */
  slice(offset, size, what) {
    this.check(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }
};
var utf8 = new TextDecoder("utf-8");
var utf8Encoder = new TextEncoder();
function encodeUtf8(text) {
  return utf8Encoder.encode(text);
}
function decodeUtf8(bytes) {
  return utf8.decode(bytes);
}
var StringTableReader = class {
  bytes;
  section;
  ascii;
  cache = /* @__PURE__ */ new Map();
  constructor(bytes, section) {
    this.bytes = bytes;
    this.section = section;
    let isAscii = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] >= 128) {
        isAscii = false;
        break;
      }
    }
    this.ascii = isAscii ? utf8.decode(bytes) : void 0;
  }
  /** The string at `offset`; throws when the offset is outside the table or not NUL-terminated. */
  get(offset, what = "string") {
    if (this.ascii !== void 0) {
      if (offset >= 0 && offset < this.ascii.length) {
        const end = this.ascii.indexOf("\0", offset);
        if (end >= 0)
          return this.ascii.slice(offset, end);
      }
    } else {
      const hit = this.cache.get(offset);
      if (hit !== void 0)
        return hit;
      if (offset >= 0 && offset < this.bytes.length) {
        const end = this.bytes.indexOf(0, offset);
        if (end >= 0) {
          const text = utf8.decode(this.bytes.subarray(offset, end));
          this.cache.set(offset, text);
          return text;
        }
      }
    }
    throw new ObjectFormatError(this.section, `${what} offset ${offset} is outside the string table (${this.bytes.length} bytes) or not NUL-terminated`);
  }
};
var BtfStringTable = class {
  base;
  offsets = /* @__PURE__ */ new Map();
  writer = new ByteWriter();
  /**
   * @param base For split BTF: the base's string section. Offsets then continue after it, and
   *   strings the base already holds are referred to there instead of being repeated.
   */
  constructor(base) {
    this.base = base;
    if (base === void 0)
      this.writer.u8(0);
  }
  /** Where this table's own offsets start (the base string section's size, or 0). */
  get start() {
    return this.base?.bytes.length ?? 0;
  }
  /** The offset of `text`, adding it when new. */
  add(text) {
    if (text === "")
      return 0;
    const known = this.offsets.get(text) ?? this.base?.offsets.get(text);
    if (known !== void 0)
      return known;
    const offset = this.start + this.writer.length;
    this.writer.cstring(text);
    this.offsets.set(text, offset);
    return offset;
  }
  /** This table's own section bytes (without the base's). */
  finish() {
    return this.writer.finish();
  }
};
function indexStrings(bytes) {
  const offsets = /* @__PURE__ */ new Map();
  const decoder = new TextDecoder();
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0)
      continue;
    if (i > start) {
      const text = decoder.decode(bytes.subarray(start, i));
      if (!offsets.has(text))
        offsets.set(text, start);
    }
    start = i + 1;
  }
  return offsets;
}
var { INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64 } = BtfKind;
var SIGNED = IntEncoding.SIGNED;
var CHAR = IntEncoding.CHAR;
var BOOL = IntEncoding.BOOL;
var modifierKinds = {
  [TYPEDEF]: "typedef",
  [VOLATILE]: "volatile",
  [CONST]: "const",
  [RESTRICT]: "restrict",
  [TYPE_TAG]: "type_tag"
};
function trailingBytes(kind, vlen) {
  switch (kind) {
    case INT:
    case VAR:
    case DECL_TAG:
      return 4;
    case ARRAY:
      return 12;
    case STRUCT:
    case UNION:
    case DATASEC:
    case ENUM64:
      return 12 * vlen;
    case ENUM:
    case FUNC_PROTO:
      return 8 * vlen;
    case PTR:
    case FWD:
    case TYPEDEF:
    case VOLATILE:
    case CONST:
    case RESTRICT:
    case FUNC:
    case FLOAT:
    case TYPE_TAG:
      return 0;
    default:
      return -1;
  }
}
function readTypeRecord(view, at, id, str, section) {
  const nameOff = view.getUint32(at, true);
  const infoWord = view.getUint32(at + 4, true);
  const sizeOrType = view.getUint32(at + 8, true);
  const vlen = infoWord & 65535;
  const kind = infoWord >>> 24 & 31;
  const kindFlag = infoWord >>> 31 === 1;
  at += 12;
  switch (kind) {
    case INT: {
      const enc = view.getUint32(at, true);
      const flags = enc >>> 24;
      return {
        kind: "int",
        name: str(nameOff),
        size: sizeOrType,
        signed: (flags & SIGNED) !== 0,
        char: (flags & CHAR) !== 0,
        bool: (flags & BOOL) !== 0,
        offset: enc >>> 16 & 255,
        bits: enc & 255
      };
    }
    case PTR:
      return { kind: "ptr", type: sizeOrType };
    case ARRAY:
      return { kind: "array", type: view.getUint32(at, true), indexType: view.getUint32(at + 4, true), nelems: view.getUint32(at + 8, true) };
    case STRUCT:
    case UNION: {
      const members = new Array(vlen);
      for (let i = 0; i < vlen; i++, at += 12) {
        const offset = view.getUint32(at + 8, true);
        members[i] = {
          name: str(view.getUint32(at, true)),
          type: view.getUint32(at + 4, true),
          bitOffset: kindFlag ? offset & 16777215 : offset,
          bitfieldSize: kindFlag ? offset >>> 24 : 0
        };
      }
      return { kind: kind === STRUCT ? "struct" : "union", name: str(nameOff), size: sizeOrType, members };
    }
    case ENUM: {
      const values = new Array(vlen);
      for (let i = 0; i < vlen; i++, at += 8) {
        values[i] = { name: str(view.getUint32(at, true)), value: kindFlag ? view.getInt32(at + 4, true) : view.getUint32(at + 4, true) };
      }
      return { kind: "enum", name: str(nameOff), size: sizeOrType, signed: kindFlag, values };
    }
    case ENUM64: {
      const values = new Array(vlen);
      for (let i = 0; i < vlen; i++, at += 12) {
        const bits = BigInt(view.getUint32(at + 8, true)) << 32n | BigInt(view.getUint32(at + 4, true));
        values[i] = { name: str(view.getUint32(at, true)), value: kindFlag ? BigInt.asIntN(64, bits) : bits };
      }
      return { kind: "enum64", name: str(nameOff), size: sizeOrType, signed: kindFlag, values };
    }
    case FWD:
      return { kind: "fwd", name: str(nameOff), union: kindFlag };
    case TYPEDEF:
    case VOLATILE:
    case CONST:
    case RESTRICT:
    case TYPE_TAG: {
      const modifier = modifierKinds[kind];
      return kindFlag && kind === TYPE_TAG ? { kind: modifier, name: str(nameOff), type: sizeOrType, attribute: true } : { kind: modifier, name: str(nameOff), type: sizeOrType };
    }
    case FUNC:
      return { kind: "func", name: str(nameOff), type: sizeOrType, linkage: vlen };
    case FUNC_PROTO: {
      const params = new Array(vlen);
      for (let i = 0; i < vlen; i++, at += 8)
        params[i] = { name: str(view.getUint32(at, true)), type: view.getUint32(at + 4, true) };
      return { kind: "func_proto", returnType: sizeOrType, params };
    }
    case VAR:
      return { kind: "var", name: str(nameOff), type: sizeOrType, linkage: view.getUint32(at, true) };
    case DATASEC: {
      const vars = new Array(vlen);
      for (let i = 0; i < vlen; i++, at += 12) {
        vars[i] = { type: view.getUint32(at, true), offset: view.getUint32(at + 4, true), size: view.getUint32(at + 8, true) };
      }
      return { kind: "datasec", name: str(nameOff), size: sizeOrType, vars };
    }
    case FLOAT:
      return { kind: "float", name: str(nameOff), size: sizeOrType };
    case DECL_TAG: {
      const componentIdx = view.getInt32(at, true);
      return kindFlag ? { kind: "decl_tag", name: str(nameOff), type: sizeOrType, componentIdx, attribute: true } : { kind: "decl_tag", name: str(nameOff), type: sizeOrType, componentIdx };
    }
    default:
      throw new ObjectFormatError(section, `type [${id}]: unknown kind ${kind}`);
  }
}
var MAX_U32 = 4294967295;
var MAX_TYPE_ID = 1048575;
function lookupOf(btf) {
  if (btf.base === void 0 && (btf.firstTypeId ?? 1) === 1) {
    const types = btf.types;
    return (id) => types[id - 1];
  }
  const chain = [];
  for (let b = btf; b !== void 0; b = b.base)
    chain.push(b);
  return (id) => {
    for (const b of chain) {
      const first = b.firstTypeId ?? 1;
      if (id >= first)
        return b.types[id - first];
    }
    return void 0;
  };
}
var isModifier = (t) => t.kind === "typedef" || t.kind === "const" || t.kind === "volatile" || t.kind === "restrict" || t.kind === "type_tag";
var isSourceOnly = (t) => t.kind === "var" || t.kind === "datasec" || t.kind === "decl_tag";
function edge(t, mode, k) {
  switch (t.kind) {
    case "typedef":
    case "const":
    case "volatile":
    case "restrict":
    case "type_tag":
      return k === 0 ? t.type : -1;
    case "ptr":
      return mode === PTR2 && k === 0 ? t.type : -1;
    case "var":
      return mode === AGGREGATE && k === 0 ? t.type : -1;
    case "array":
      return mode === AGGREGATE && k < 2 ? k === 0 ? t.type : t.indexType : -1;
    case "struct":
    case "union":
      return mode === AGGREGATE && k < t.members.length ? t.members[k].type : -1;
    default:
      return -1;
  }
}
function follows(t, mode) {
  if (isModifier(t))
    return true;
  return mode === PTR2 ? t.kind === "ptr" : t.kind === "array" || t.kind === "struct" || t.kind === "union" || t.kind === "var";
}
var PTR2 = 0;
var AGGREGATE = 1;
function forEachReference(t, check) {
  switch (t.kind) {
    case "ptr":
    case "typedef":
    case "const":
    case "volatile":
    case "restrict":
    case "type_tag":
    case "func":
    case "var":
    case "decl_tag":
      check(t.type, () => "type");
      return;
    case "array":
      check(t.type, () => "element type");
      check(t.indexType, () => "index type");
      return;
    case "struct":
    case "union": {
      const members = t.members;
      for (let i = 0; i < members.length; i++)
        check(members[i].type, () => `member #${i} '${members[i].name}'`);
      return;
    }
    case "func_proto":
      check(t.returnType, () => "return type");
      for (let i = 0; i < t.params.length; i++)
        check(t.params[i].type, () => `parameter #${i}`);
      return;
    case "datasec":
      for (let i = 0; i < t.vars.length; i++)
        check(t.vars[i].type, () => `entry #${i}`);
      return;
    default:
      return;
  }
}
function validateBtf(btf, section = ".BTF") {
  const first = btf.firstTypeId ?? 1;
  const last = first + btf.types.length - 1;
  if (last > MAX_TYPE_ID)
    throw new ObjectFormatError(section, `${last} types is more than the kernel's ${MAX_TYPE_ID}`);
  const lookup2 = lookupOf(btf);
  const fail = (id2, t2, message) => {
    throw new ObjectFormatError(section, `type [${id2}] (${t2.kind}${"name" in t2 && t2.name ? ` ${t2.name}` : ""}): ${message}`);
  };
  let id = first;
  let t = void 0;
  const dangling = (ref, what) => {
    if (ref > last)
      fail(id, t, `${what()} refers to type id ${ref}, which does not exist (the last is ${last})`);
  };
  const failHere = (message) => fail(id, t, message);
  for (let i = 0; i < btf.types.length; i++, id++) {
    t = btf.types[i];
    forEachReference(t, dangling);
    checkKind(t, lookup2, failHere);
  }
  const n = btf.types.length;
  const stackIndex = new Int32Array(n);
  const stackAt = new Int32Array(n);
  for (const mode of [PTR2, AGGREGATE]) {
    const state = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (state[i] !== 0 || !follows(btf.types[i], mode))
        continue;
      let depth = 0;
      stackIndex[0] = i;
      stackAt[0] = 0;
      state[i] = 1;
      while (depth >= 0) {
        const top = btf.types[stackIndex[depth]];
        const ref = edge(top, mode, stackAt[depth]++);
        if (ref < 0) {
          state[stackIndex[depth]] = 2;
          depth--;
          continue;
        }
        const next = ref - first;
        if (next < 0 || next >= n)
          continue;
        const target = btf.types[next];
        if (!follows(target, mode))
          continue;
        if (state[next] === 1) {
          const what = mode === PTR2 ? "modifiers and pointers" : "modifiers, arrays and by-value members";
          fail(first + next, target, `loop detected: the type refers back to itself through ${what}`);
        }
        if (state[next] === 0) {
          state[next] = 1;
          depth++;
          stackIndex[depth] = next;
          stackAt[depth] = 0;
        }
      }
    }
  }
  const sizeOf2 = sizeTable(lookup2, first, last);
  btf.types.forEach((t2, i) => {
    const id2 = first + i;
    if (t2.kind === "array") {
      const elem = sizeOf2(t2.type);
      if (elem === void 0)
        fail(id2, t2, `element type ${t2.type} has no size (an array of ${lookup2(t2.type)?.kind ?? "void"})`);
      if (elem * t2.nelems > MAX_U32)
        fail(id2, t2, `${t2.nelems} elements of ${elem} bytes overflow 32 bits`);
    } else if (t2.kind === "struct" || t2.kind === "union") {
      t2.members.forEach((m, k) => {
        const size = sizeOf2(m.type);
        if (size === void 0)
          fail(id2, t2, `member #${k} '${m.name}' has a type without a size (${lookup2(m.type)?.kind ?? "void"})`);
        const endBits = m.bitfieldSize !== 0 ? m.bitOffset + m.bitfieldSize : m.bitOffset + size * 8;
        if (endBits > t2.size * 8)
          fail(id2, t2, `member #${k} '${m.name}' ends at bit ${endBits}, past the ${t2.size}-byte ${t2.kind}`);
      });
    } else if (t2.kind === "var") {
      if (sizeOf2(t2.type) === void 0)
        fail(id2, t2, `its type ${t2.type} has no size`);
    } else if (t2.kind === "func_proto") {
      if (t2.returnType !== 0 && sizeOf2(t2.returnType) === void 0)
        fail(id2, t2, `return type ${t2.returnType} has no size`);
      t2.params.forEach((p, k) => {
        if (p.type === 0 && k === t2.params.length - 1 && p.name === "")
          return;
        if (sizeOf2(p.type) === void 0)
          fail(id2, t2, `parameter #${k} has a type without a size`);
      });
    }
  });
}
function checkKind(t, lookup2, fail) {
  switch (t.kind) {
    case "int": {
      if (t.bits + t.offset > 128)
        fail(`${t.offset} + ${t.bits} bits is more than 128`);
      if (Math.ceil((t.bits + t.offset) / 8) > t.size)
        fail(`${t.offset + t.bits} bits do not fit ${t.size} bytes`);
      if (Number(t.signed) + Number(t.char) + Number(t.bool) > 1)
        fail("more than one of signed, char and bool");
      return;
    }
    case "enum":
      if (t.size !== 1 && t.size !== 2 && t.size !== 4 && t.size !== 8)
        fail(`size ${t.size} (an enum has 1, 2, 4 or 8 bytes)`);
      return;
    case "enum64":
      if (t.size !== 1 && t.size !== 2 && t.size !== 4 && t.size !== 8)
        fail(`size ${t.size} (an enum64 has 1, 2, 4 or 8 bytes)`);
      return;
    case "float":
      if (t.size !== 2 && t.size !== 4 && t.size !== 8 && t.size !== 12 && t.size !== 16)
        fail(`size ${t.size} (a float has 2, 4, 8, 12 or 16 bytes)`);
      return;
    case "array": {
      if (t.type === 0)
        fail("element type is void");
      const index = resolve2(t.indexType, lookup2);
      if (index?.kind !== "int")
        fail(`index type ${t.indexType} is not an integer`);
      return;
    }
    case "func": {
      if (lookup2(t.type)?.kind !== "func_proto")
        fail(`type ${t.type} is not a FUNC_PROTO`);
      if (t.linkage > 2)
        fail(`linkage ${t.linkage} is not static, global or extern`);
      return;
    }
    case "var":
      if (t.linkage > 2)
        fail(`linkage ${t.linkage} is not static, global or extern`);
      return;
    case "typedef":
    case "const":
    case "volatile":
    case "restrict":
    case "type_tag":
    case "ptr": {
      const next = lookup2(t.type);
      if (next !== void 0 && (isSourceOnly(next) || next.kind === "func"))
        fail(`refers to a ${next.kind}`);
      return;
    }
    case "struct":
    case "union":
      for (const m of t.members) {
        if (m.type === 0)
          fail(`member '${m.name}' is void`);
        const next = lookup2(m.type);
        if (next !== void 0 && isSourceOnly(next))
          fail(`member '${m.name}' is a ${next.kind}`);
      }
      return;
    case "datasec":
      for (const v of t.vars) {
        const kind = lookup2(v.type)?.kind;
        if (kind !== "var" && kind !== "func")
          fail(`entry of type ${v.type} is a ${kind ?? "void"}, not a VAR`);
      }
      return;
    case "decl_tag": {
      const target = lookup2(t.type);
      if (target === void 0)
        fail("tags void");
      const count = target.kind === "struct" || target.kind === "union" ? target.members.length : target.kind === "func" ? lookup2(target.type)?.params?.length ?? 0 : 0;
      if (t.componentIdx !== -1 && (t.componentIdx < 0 || t.componentIdx >= count))
        fail(`component index ${t.componentIdx} is out of range`);
      return;
    }
    default:
      return;
  }
}
function resolve2(id, lookup2) {
  for (let depth = 0; depth < 64; depth++) {
    const t = lookup2(id);
    if (t === void 0 || !isModifier(t))
      return t;
    id = t.type;
  }
  return void 0;
}
function sizeTable(lookup2, first, last) {
  const own = new Float64Array(last - first + 1).fill(NaN);
  const base = /* @__PURE__ */ new Map();
  const sizes = {
    get: (id) => {
      if (id < first)
        return base.get(id);
      const v = own[id - first];
      return v === void 0 || Number.isNaN(v) ? void 0 : v;
    },
    set: (id, v) => {
      if (id < first)
        base.set(id, v);
      else
        own[id - first] = v;
    }
  };
  return (id) => {
    const path = [];
    let size;
    for (let cur = id; ; ) {
      const memo = sizes.get(cur);
      if (memo !== void 0) {
        size = memo < 0 ? void 0 : memo;
        break;
      }
      const t = lookup2(cur);
      if (t === void 0)
        break;
      if (t.kind === "array" || t.kind === "var" || isModifier(t)) {
        if (path.length > last)
          break;
        path.push(cur);
        cur = t.type;
        continue;
      }
      size = t.kind === "ptr" ? 8 : "size" in t ? t.size : void 0;
      sizes.set(cur, size ?? -1);
      break;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const t = lookup2(path[i]);
      if (t.kind === "array" && size !== void 0)
        size *= t.nelems;
      sizes.set(path[i], size ?? -1);
    }
    return size;
  };
}
var SECTION = ".BTF";
var rawStrings = /* @__PURE__ */ new WeakMap();
function baseStrings(base) {
  const decoded = rawStrings.get(base);
  if (decoded !== void 0)
    return decoded;
  const bytes = encodeBtf(base);
  return bytes.subarray(BTF_HEADER_SIZE + typeSectionLength(bytes));
}
function firstTypeId(btf) {
  return btf.firstTypeId ?? 1;
}
function newStringTable(btf) {
  if (btf.base === void 0)
    return new BtfStringTable();
  const bytes = baseStrings(btf.base);
  return new BtfStringTable({ bytes, offsets: indexStrings(bytes) });
}
function info(kind, vlen, kindFlag) {
  return (kindFlag ? 1 : 0) << 31 | kind << 24 | vlen & 65535;
}
function checkVlen(type, id, vlen) {
  if (vlen > 65535)
    throw new ObjectSpecError(`BTF type [${id}] (${type.kind}) has ${vlen} entries; BTF allows 65535`);
  return vlen;
}
function encodeBtfTypes(btf, strings) {
  const out = new ByteWriter();
  let id = firstTypeId(btf);
  for (const t of btf.types) {
    const kind = kindNumber[t.kind];
    if (kind === void 0)
      throw new ObjectSpecError(`BTF type [${id}] has unknown kind '${t.kind}'`);
    switch (t.kind) {
      case "int": {
        out.u32(strings.add(t.name)).u32(info(kind, 0, false)).u32(t.size);
        const encoding = (t.signed ? IntEncoding.SIGNED : 0) | (t.char ? IntEncoding.CHAR : 0) | (t.bool ? IntEncoding.BOOL : 0);
        out.u32(encoding << 24 | (t.offset & 255) << 16 | t.bits & 255);
        break;
      }
      case "ptr":
        out.u32(0).u32(info(kind, 0, false)).u32(t.type);
        break;
      case "array":
        out.u32(0).u32(info(kind, 0, false)).u32(0).u32(t.type).u32(t.indexType).u32(t.nelems);
        break;
      case "struct":
      case "union": {
        const bitfields = t.members.some((m) => m.bitfieldSize !== 0);
        out.u32(strings.add(t.name)).u32(info(kind, checkVlen(t, id, t.members.length), bitfields)).u32(t.size);
        for (const m of t.members) {
          out.u32(strings.add(m.name)).u32(m.type);
          out.u32(bitfields ? (m.bitfieldSize & 255) << 24 | m.bitOffset & 16777215 : m.bitOffset);
        }
        break;
      }
      case "enum":
        out.u32(strings.add(t.name)).u32(info(kind, checkVlen(t, id, t.values.length), t.signed)).u32(t.size);
        for (const v of t.values)
          out.u32(strings.add(v.name)).u32(v.value >>> 0);
        break;
      case "enum64":
        out.u32(strings.add(t.name)).u32(info(kind, checkVlen(t, id, t.values.length), t.signed)).u32(t.size);
        for (const v of t.values) {
          const bits = BigInt.asUintN(64, v.value);
          out.u32(strings.add(v.name)).u32(Number(bits & 0xffffffffn)).u32(Number(bits >> 32n));
        }
        break;
      case "fwd":
        out.u32(strings.add(t.name)).u32(info(kind, 0, t.union)).u32(0);
        break;
      case "typedef":
      case "volatile":
      case "const":
      case "restrict":
      case "type_tag":
        out.u32(strings.add(t.name)).u32(info(kind, 0, t.attribute === true)).u32(t.type);
        break;
      case "func":
        out.u32(strings.add(t.name)).u32(info(kind, t.linkage, false)).u32(t.type);
        break;
      case "func_proto":
        out.u32(0).u32(info(kind, checkVlen(t, id, t.params.length), false)).u32(t.returnType);
        for (const p of t.params)
          out.u32(strings.add(p.name)).u32(p.type);
        break;
      case "var":
        out.u32(strings.add(t.name)).u32(info(kind, 0, false)).u32(t.type).u32(t.linkage);
        break;
      case "datasec":
        out.u32(strings.add(t.name)).u32(info(kind, checkVlen(t, id, t.vars.length), false)).u32(t.size);
        for (const v of t.vars)
          out.u32(v.type).u32(v.offset).u32(v.size);
        break;
      case "float":
        out.u32(strings.add(t.name)).u32(info(kind, 0, false)).u32(t.size);
        break;
      case "decl_tag":
        out.u32(strings.add(t.name)).u32(info(kind, 0, t.attribute === true)).u32(t.type).i32(t.componentIdx);
        break;
    }
    id++;
  }
  return out.finish();
}
function assembleBtf(typeSection, strings) {
  const stringSection = strings.finish();
  const out = new ByteWriter();
  out.u16(BTF_MAGIC).u8(BTF_VERSION).u8(0).u32(BTF_HEADER_SIZE);
  out.u32(0).u32(typeSection.length).u32(typeSection.length).u32(stringSection.length);
  out.bytes(typeSection).bytes(stringSection);
  return out.finish();
}
function encodeBtf(btf) {
  const strings = newStringTable(btf);
  return assembleBtf(encodeBtfTypes(btf, strings), strings);
}
function typeSectionLength(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
}
function readHeader(r) {
  const h = checkHeader(r.bytes, SECTION);
  return {
    types: r.slice(h.typeStart, h.typeLen, "type section"),
    strings: r.slice(h.strStart, h.strLen, "string section")
  };
}
function checkHeader(bytes, section) {
  const r = new ByteReader(bytes, section);
  if (r.length < BTF_HEADER_SIZE)
    throw new ObjectFormatError(section, `${r.length} bytes is too short for a header`);
  const magic = r.u16(0);
  if (magic === 40939)
    throw new ObjectFormatError(section, "big-endian BTF is not supported");
  if (magic !== BTF_MAGIC)
    throw new ObjectFormatError(section, `bad magic 0x${magic.toString(16)} (want 0xeb9f)`);
  const version = r.u8(2);
  if (version !== BTF_VERSION)
    throw new ObjectFormatError(section, `unsupported version ${version}`);
  const flags = r.u8(3);
  if (flags !== 0)
    throw new ObjectFormatError(section, `unsupported flags 0x${flags.toString(16)}`);
  const hdrLen = r.u32(4);
  if (hdrLen < BTF_HEADER_SIZE)
    throw new ObjectFormatError(section, `header length ${hdrLen} is less than ${BTF_HEADER_SIZE}`);
  if (hdrLen > r.length)
    throw new ObjectFormatError(section, `header length ${hdrLen} runs past the end (${r.length} bytes)`);
  const typeOff = r.u32(8);
  const typeLen = r.u32(12);
  const strOff = r.u32(16);
  const strLen = r.u32(20);
  if (typeOff % 4 !== 0)
    throw new ObjectFormatError(section, `type section offset ${typeOff} is not 4-byte aligned`);
  const body = r.length - hdrLen;
  if (typeOff + typeLen > body)
    throw new ObjectFormatError(section, `type section at offset ${hdrLen + typeOff} (${typeLen} bytes) runs past the end (${r.length} bytes)`);
  if (strOff + strLen > body)
    throw new ObjectFormatError(section, `string section at offset ${hdrLen + strOff} (${strLen} bytes) runs past the end (${r.length} bytes)`);
  if (typeLen > 0 && strLen > 0 && typeOff < strOff + strLen && strOff < typeOff + typeLen) {
    throw new ObjectFormatError(section, `the string section (${strOff}..${strOff + strLen}) overlaps the type section (${typeOff}..${typeOff + typeLen})`);
  }
  return { hdrLen, typeStart: hdrLen + typeOff, typeLen, strStart: hdrLen + strOff, strLen };
}
function decodeBtf(bytes, base) {
  const layout = readHeader(new ByteReader(bytes, SECTION));
  if (layout.strings.length > 0 && layout.strings[layout.strings.length - 1] !== 0) {
    throw new ObjectFormatError(SECTION, "string section must end with a NUL byte");
  }
  const own = new StringTableReader(layout.strings, SECTION);
  let name;
  let first = 1;
  if (base !== void 0) {
    const baseBytes = baseStrings(base);
    const baseTable = new StringTableReader(baseBytes, `${SECTION} (base)`);
    const split = baseBytes.length;
    name = (offset, what) => offset < split ? baseTable.get(offset, what) : own.get(offset - split, what);
    first = firstTypeId(base) + base.types.length;
  } else {
    if (layout.strings.length === 0 || layout.strings[0] !== 0) {
      throw new ObjectFormatError(SECTION, "string section must start with a NUL byte");
    }
    name = (offset, what) => own.get(offset, what);
  }
  const types = decodeTypes(new ByteReader(layout.types, SECTION), first, name);
  const btf = base !== void 0 ? { types, firstTypeId: first, base } : { types };
  validateBtf(btf, SECTION);
  if (base === void 0)
    rawStrings.set(btf, layout.strings);
  return btf;
}
function decodeTypes(r, first, name) {
  const types = [];
  const view = r.view;
  const end = r.length;
  let id = first;
  const str = (offset) => name(offset, "name");
  let at = 0;
  try {
    for (; at < end; id++) {
      if (at + 12 > end)
        r.check(at, 12, `type [${id}] data`);
      const infoWord = view.getUint32(at + 4, true);
      const size = trailingBytes(infoWord >>> 24 & 31, infoWord & 65535);
      if (size >= 0 && at + 12 + size > end)
        r.check(at + 12, size, `type [${id}] data`);
      types.push(readTypeRecord(view, at, id, str, SECTION));
      at += 12 + size;
    }
  } catch (error) {
    if (error instanceof ObjectFormatError && !error.message.includes(`type [${id}]`)) {
      throw new ObjectFormatError(SECTION, `type [${id}]: ${error.message.slice(SECTION.length + 2)}`);
    }
    throw error;
  }
  return types;
}
var SECTION2 = ".BTF.ext";
var HEADER_SIZE = 32;
var MIN_HEADER_SIZE = 24;
var FUNC_INFO_SIZE = 8;
var LINE_INFO_SIZE = 16;
var CORE_RELO_SIZE = 16;
function btfStrings(btfBytes) {
  const r = new ByteReader(btfBytes, ".BTF");
  if (r.length < BTF_HEADER_SIZE || r.u16(0) !== BTF_MAGIC)
    throw new ObjectFormatError(".BTF", "not a BTF blob (bad header)");
  const hdrLen = r.u32(4);
  return new StringTableReader(r.slice(hdrLen + r.u32(16), r.u32(20), "string section"), ".BTF");
}
function decodeKind(r, start, length, minRecordSize, kind, strings, read) {
  if (length === 0)
    return [];
  r.check(start, length, kind);
  if (start % 4 !== 0)
    throw new ObjectFormatError(SECTION2, `${kind} offset ${start} is not 4-byte aligned`);
  const end = start + length;
  const recordSize = r.u32(start, `${kind} record size`);
  if (recordSize < minRecordSize || recordSize % 4 !== 0) {
    throw new ObjectFormatError(SECTION2, `${kind} record size ${recordSize} (want ${minRecordSize} or more, a multiple of 4)`);
  }
  const groups = [];
  let at = start + 4;
  while (at < end) {
    if (at + 8 > end)
      throw new ObjectFormatError(SECTION2, `${kind}: truncated section header at offset ${at}`);
    const section = strings.get(r.u32(at), `${kind} section name`);
    const count = r.u32(at + 4);
    at += 8;
    if (at + count * recordSize > end) {
      throw new ObjectFormatError(SECTION2, `${kind} for '${section}': ${count} records of ${recordSize} bytes run past the end`);
    }
    const records = new Array(count);
    for (let i = 0; i < count; i++, at += recordSize)
      records[i] = read(at);
    groups.push({ section, records });
  }
  return groups;
}
function decodeBtfExt(bytes, btfBytes) {
  const strings = btfStrings(btfBytes);
  const r = new ByteReader(bytes, SECTION2);
  if (r.length < MIN_HEADER_SIZE)
    throw new ObjectFormatError(SECTION2, `${r.length} bytes is too short for a header`);
  const magic = r.u16(0);
  if (magic !== BTF_MAGIC)
    throw new ObjectFormatError(SECTION2, `bad magic 0x${magic.toString(16)} (want 0xeb9f)`);
  if (r.u8(2) !== BTF_VERSION)
    throw new ObjectFormatError(SECTION2, `unsupported version ${r.u8(2)}`);
  const hdrLen = r.u32(4);
  if (hdrLen < MIN_HEADER_SIZE)
    throw new ObjectFormatError(SECTION2, `header length ${hdrLen} is less than ${MIN_HEADER_SIZE}`);
  r.check(0, hdrLen, "header");
  const hasCore = hdrLen >= HEADER_SIZE;
  return {
    funcInfo: decodeKind(r, hdrLen + r.u32(8), r.u32(12), FUNC_INFO_SIZE, "func_info", strings, (at) => ({
      insnOff: r.u32(at),
      typeId: r.u32(at + 4)
    })),
    lineInfo: decodeKind(r, hdrLen + r.u32(16), r.u32(20), LINE_INFO_SIZE, "line_info", strings, (at) => {
      const lc = r.u32(at + 12);
      return {
        insnOff: r.u32(at),
        fileName: strings.get(r.u32(at + 4), "line_info file name"),
        lineText: strings.get(r.u32(at + 8), "line_info line"),
        line: lc >>> 10,
        column: lc & 1023
      };
    }),
    coreRelos: hasCore ? decodeKind(r, hdrLen + r.u32(24), r.u32(28), CORE_RELO_SIZE, "core_relo", strings, (at) => ({
      insnOff: r.u32(at),
      typeId: r.u32(at + 4),
      accessString: strings.get(r.u32(at + 8), "core_relo access string"),
      kind: r.u32(at + 12)
    })) : []
  };
}
var SECTION3 = ".BTF";
var MAX_DEPTH = 32;
function tryTypeById(btf, id) {
  const first = btf.firstTypeId ?? 1;
  if (id < first)
    return btf.base !== void 0 ? tryTypeById(btf.base, id) : void 0;
  return btf.types[id - first];
}
function typeById(btf, id) {
  const type = tryTypeById(btf, id);
  if (type === void 0) {
    throw new ObjectFormatError(SECTION3, id === 0 ? "type id 0 is void, which has no type record" : `type id ${id} does not exist`);
  }
  return type;
}
function resolveModifiers(btf, id) {
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const type = tryTypeById(btf, id);
    if (type === void 0)
      return id;
    switch (type.kind) {
      case "typedef":
      case "const":
      case "volatile":
      case "restrict":
      case "type_tag":
        id = type.type;
        break;
      default:
        return id;
    }
  }
  throw new ObjectFormatError(SECTION3, `type chain from id ${id} is longer than ${MAX_DEPTH} (a cycle?)`);
}
function typeSize(btf, id) {
  return typeSizeVia((i) => typeById(btf, i), id);
}
function typeSizeVia(lookup2, id) {
  let multiplier = 1;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const type = lookup2(id);
    if (type === void 0)
      throw new ObjectFormatError(SECTION3, `type id ${id} does not exist`);
    switch (type.kind) {
      case "int":
      case "enum":
      case "enum64":
      case "struct":
      case "union":
      case "datasec":
      case "float":
        return checkedSize(multiplier * type.size, id);
      case "ptr":
        return checkedSize(multiplier * 8, id);
      // BPF is a 64-bit target
      case "array":
        multiplier *= type.nelems;
        id = type.type;
        break;
      case "typedef":
      case "const":
      case "volatile":
      case "restrict":
      case "type_tag":
      case "var":
      case "decl_tag":
        id = type.type;
        break;
      default:
        throw new ObjectFormatError(SECTION3, `type [${id}] (${type.kind}) has no size`);
    }
  }
  throw new ObjectFormatError(SECTION3, `type chain from id ${id} is longer than ${MAX_DEPTH} (a cycle?)`);
}
function checkedSize(size, id) {
  if (!Number.isSafeInteger(size))
    throw new ObjectFormatError(SECTION3, `type [${id}]: array size overflows`);
  return size;
}
function typeName(type) {
  return "name" in type ? type.name : "";
}
var indexes = /* @__PURE__ */ new WeakMap();
function nameIndex(btf) {
  let index = indexes.get(btf);
  if (index === void 0 || index.count !== btf.types.length) {
    const byName = /* @__PURE__ */ new Map();
    const first = btf.firstTypeId ?? 1;
    btf.types.forEach((type, i) => {
      const name = typeName(type);
      if (name === "")
        return;
      const ids = byName.get(name);
      if (ids === void 0)
        byName.set(name, [first + i]);
      else
        ids.push(first + i);
    });
    index = { count: btf.types.length, byName };
    indexes.set(btf, index);
  }
  return index;
}
function findTypeByName(btf, name, kind) {
  for (const id of nameIndex(btf).byName.get(name) ?? []) {
    const type = btf.types[id - (btf.firstTypeId ?? 1)];
    if (kind === void 0 || type.kind === kind)
      return { id, type };
  }
  return btf.base !== void 0 ? findTypeByName(btf.base, name, kind) : void 0;
}
var RECORD_TAG_PREFIX = "tsbpf.record:";
function recordTypeOf(btf, mapName) {
  const tag = RECORD_TAG_PREFIX + mapName;
  for (let index = 0; index < btf.types.length; index++) {
    const type = btf.types[index];
    if (type.kind === "decl_tag" && type.componentIdx === -1 && type.name === tag)
      return type.type;
  }
  return 0;
}
var EM_BPF = 247;
var ELFCLASS64 = 2;
var ELFDATA2LSB = 1;
var EHDR_SIZE = 64;
var SHDR_SIZE = 64;
var SYM_SIZE = 24;
var REL_SIZE = 16;
var SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8, REL: 9, LLVM_ADDRSIG: 1879002115 };
var SHF = { WRITE: 1, ALLOC: 2, EXECINSTR: 4, INFO_LINK: 64 };
var STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 };
var STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 };
var SHN_UNDEF = 0;
var SHN_LORESERVE = 65280;
var SHN_XINDEX = 65535;
var R_BPF = { NONE: 0, R_64_64: 1, R_64_ABS64: 2, R_64_ABS32: 3, R_64_NODYLD32: 4, R_64_32: 10 };
function dataSectionKind(name) {
  for (const kind of ["rodata", "data", "bss"]) {
    if (name === `.${kind}` || name.startsWith(`.${kind}.`))
      return kind;
  }
  return void 0;
}
function isStructOpsSection(name) {
  return name === ".struct_ops" || name === ".struct_ops.link";
}
function resolved(btf, id) {
  const at = resolveModifiers(btf, id);
  return { id: at, type: tryTypeById(btf, at) };
}
function datasecOf(btf, section) {
  return findTypeByName(btf, section, "datasec")?.type;
}
function readStructOps(elf, btf, programAt) {
  const out = [];
  for (const section of elf.sections) {
    if (!isStructOpsSection(section.name) || section.type !== SHT.PROGBITS)
      continue;
    out.push(...readSection(elf, btf, section, programAt));
  }
  return out;
}
function readSection(elf, btf, section, programAt) {
  const bad = (message) => {
    throw new ObjectFormatError(section.name, message);
  };
  const datasec = datasecOf(btf, section.name) ?? bad(`no DATASEC '${section.name}' in .BTF describes the struct_ops variables`);
  const variables = datasec.vars.map((v) => {
    const variable = tryTypeById(btf, v.type);
    if (variable?.kind !== "var")
      return bad(`DATASEC entry ${v.type} is not a VAR`);
    const target = resolved(btf, variable.type);
    const struct = target.type;
    if (struct?.kind !== "struct")
      return bad(`struct_ops variable '${variable.name}' is a ${struct?.kind ?? "void"}, not a struct`);
    if (!struct.name)
      return bad(`struct_ops variable '${variable.name}' has an anonymous struct type (it must be named as the kernel's struct)`);
    if (v.offset + struct.size > section.size)
      return bad(`struct_ops variable '${variable.name}' (offset ${v.offset}, ${struct.size} bytes) runs past the section's ${section.size} bytes`);
    const spec = { name: variable.name, section: section.name, typeId: target.id, data: section.data.slice(v.offset, v.offset + struct.size), functions: [] };
    return { spec, offset: v.offset, struct };
  });
  for (const r of elf.relocations.get(section.index) ?? []) {
    const owner = variables.find((v) => r.offset >= v.offset && r.offset < v.offset + v.struct.size) ?? bad(`relocation at offset ${r.offset} is inside no struct_ops variable`);
    const at = r.offset - owner.offset;
    if (r.type !== R_BPF.R_64_ABS64)
      bad(`relocation at offset ${r.offset} has type ${r.type}; function members take R_BPF_64_ABS64 (${R_BPF.R_64_ABS64})`);
    if (!isFunctionPointerAt(btf, owner.struct, at))
      bad(`relocation at offset ${r.offset} sets ${owner.struct.name} at +${at}, which is not a function-pointer member`);
    const symbol = r.symbol;
    if (symbol.shndx === 0 || symbol.shndx >= SHN_LORESERVE)
      bad(`'${owner.spec.name}' +${at} points at '${symbol.name}', which is not a program of this object`);
    const offset = symbol.type === STT.SECTION ? 0 : symbol.value;
    const program = programAt(symbol.shndx, offset) ?? bad(`'${owner.spec.name}' +${at} points at '${symbol.name}' (section ${symbol.shndx} +${offset}), where no program starts`);
    owner.spec.functions.push({ offset: at, program });
  }
  return variables.map((v) => v.spec);
}
function isFunctionPointerAt(btf, struct, offset) {
  const member = struct.members.find((m) => m.bitOffset === offset * 8 && m.bitfieldSize === 0);
  if (member === void 0)
    return false;
  const ptr = resolved(btf, member.type).type;
  return ptr?.kind === "ptr" && resolved(btf, ptr.type).type?.kind === "func_proto";
}
var SECTION4 = ".maps";
function readBtfMaps(btf, datasec) {
  return datasec.vars.map((v) => {
    const variable = tryTypeById(btf, v.type);
    if (variable?.kind !== "var")
      throw new ObjectFormatError(SECTION4, `DATASEC entry ${v.type} is not a VAR`);
    const map = parseMapDefinition(btf, variable.name, variable.type);
    if (map.valueTypeId === 0 && (map.valueSize === 0 || map.type === PERF_EVENT_ARRAY))
      map.valueTypeId = recordTypeOf(btf, map.name);
    return { map, offset: v.offset };
  });
}
var ARRAY_OF_MAPS = 12;
var HASH_OF_MAPS = 13;
var PROG_ARRAY = 3;
var PERF_EVENT_ARRAY = 4;
function parseMapDefinition(btf, name, typeId, inner = false) {
  const fail = (what) => {
    throw new ObjectFormatError(SECTION4, `map '${name}': ${what}`);
  };
  const def = tryTypeById(btf, safeResolve(btf, typeId, fail));
  if (def?.kind !== "struct")
    fail(`definition is ${def?.kind ?? "void"}, not a struct`);
  const map = {
    name,
    kind: "btf-map",
    type: 0,
    keySize: 0,
    valueSize: 0,
    maxEntries: 0,
    flags: 0,
    keyTypeId: 0,
    valueTypeId: 0
  };
  let hasType = false;
  for (const member of def.members) {
    switch (member.name) {
      case "type":
        map.type = intField(btf, member, fail);
        hasType = true;
        break;
      case "max_entries":
        map.maxEntries = intField(btf, member, fail);
        break;
      case "map_flags":
        map.flags = intField(btf, member, fail);
        break;
      case "pinning":
        map.pinning = intField(btf, member, fail);
        break;
      case "numa_node":
        map.numaNode = intField(btf, member, fail);
        break;
      case "map_extra":
        map.mapExtra = longField(btf, member, fail);
        break;
      case "values": {
        if (inner)
          fail("inner maps cannot have inner maps");
        map.valueSize = checkSize(map.valueSize, 4, "value", fail);
        const array = tryTypeById(btf, member.type);
        if (array?.kind !== "array" || array.nelems !== 0)
          fail("'values' should be a zero-sized array");
        const ptr = tryTypeById(btf, safeResolve(btf, array.type, fail));
        if (ptr?.kind !== "ptr")
          fail(`'values' should hold pointers, holds ${ptr?.kind ?? "void"}`);
        if (map.type === ARRAY_OF_MAPS || map.type === HASH_OF_MAPS) {
          map.innerMap = parseMapDefinition(btf, `${name}.inner`, ptr.type, true);
        } else if (map.type !== PROG_ARRAY) {
          fail("'values' is only for map-in-map and prog-array maps (declare 'type' first)");
        }
        break;
      }
      case "key_size":
        map.keySize = checkSize(map.keySize, intField(btf, member, fail), "key", fail);
        break;
      case "value_size":
        map.valueSize = checkSize(map.valueSize, intField(btf, member, fail), "value", fail);
        break;
      case "key": {
        const pointee = pointeeOf(btf, member, fail);
        map.keyTypeId = pointee;
        map.keySize = checkSize(map.keySize, sizeOf(btf, pointee, "key", fail), "key", fail);
        break;
      }
      case "value": {
        const pointee = pointeeOf(btf, member, fail);
        map.valueTypeId = pointee;
        map.valueSize = checkSize(map.valueSize, sizeOf(btf, pointee, "value", fail), "value", fail);
        break;
      }
      default:
        break;
    }
  }
  if (!hasType)
    fail("no 'type' member");
  return map;
}
function safeResolve(btf, id, fail) {
  try {
    return resolveModifiers(btf, id);
  } catch (error) {
    return fail(error.message);
  }
}
function intField(btf, member, fail) {
  const ptr = tryTypeById(btf, safeResolve(btf, member.type, fail));
  if (ptr?.kind !== "ptr")
    return fail(`member '${member.name}' should be a pointer to an array (__uint), is ${ptr?.kind ?? "void"}`);
  const array = tryTypeById(btf, ptr.type);
  if (array?.kind !== "array")
    return fail(`member '${member.name}' should point to an array (__uint), points to ${array?.kind ?? "void"}`);
  return array.nelems;
}
function longField(btf, member, fail) {
  const type = tryTypeById(btf, safeResolve(btf, member.type, fail));
  if (type?.kind === "ptr")
    return BigInt(intField(btf, member, fail));
  if ((type?.kind === "enum" || type?.kind === "enum64") && type.values.length === 1) {
    return BigInt.asUintN(64, BigInt(type.values[0].value));
  }
  return fail(`member '${member.name}' should be __uint or __ulong, is ${type?.kind ?? "void"}`);
}
function pointeeOf(btf, member, fail) {
  const ptr = tryTypeById(btf, member.type);
  if (ptr?.kind !== "ptr")
    return fail(`member '${member.name}' should be a pointer (__type), is ${ptr?.kind ?? "void"}`);
  return ptr.type;
}
function sizeOf(btf, id, what, fail) {
  try {
    return typeSize(btf, id);
  } catch (error) {
    return fail(`${what} type: ${error.message}`);
  }
}
function checkSize(previous, next, what, fail) {
  if (previous !== 0 && previous !== next)
    fail(`conflicting ${what} sizes ${previous} and ${next}`);
  return next;
}
function fixupDatasecs(btf, elf) {
  const sectionsByName = new Map(elf.sections.map((s) => [s.name, s]));
  const first = btf.firstTypeId ?? 1;
  for (const type of btf.types) {
    if (type.kind !== "datasec")
      continue;
    const section = sectionsByName.get(type.name);
    if (section === void 0)
      continue;
    let fixOffsets = false;
    if (type.size === 0) {
      type.size = section.size;
      fixOffsets = true;
    }
    if (fixOffsets) {
      const symbols = /* @__PURE__ */ new Map();
      for (const s of elf.symbols) {
        if (s.shndx === section.index && s.type === STT.OBJECT && !symbols.has(s.name))
          symbols.set(s.name, s.value);
      }
      for (const v of type.vars) {
        const variable = btf.types[v.type - first];
        if (variable?.kind !== "var")
          continue;
        const offset = symbols.get(variable.name);
        if (offset !== void 0)
          v.offset = offset;
      }
    }
    sortVars(type);
  }
}
function sortVars(datasec) {
  datasec.vars.sort((a, b) => a.offset - b.offset);
}
function sectionData(file, name, type, offset, size) {
  if (type === SHT.NOBITS || type === SHT.NULL)
    return new Uint8Array(0);
  if (offset + size > file.length) {
    throw new ObjectFormatError(name, `contents (offset ${offset}, ${size} bytes) run past the end of the file (${file.length} bytes)`);
  }
  return file.bytes.subarray(offset, offset + size);
}
function parseElf(bytes) {
  const file = new ByteReader(bytes, "ELF header");
  if (bytes.length < EHDR_SIZE)
    throw new ObjectFormatError("ELF header", `${bytes.length} bytes is too short for an ELF file`);
  if (bytes[0] !== 127 || bytes[1] !== 69 || bytes[2] !== 76 || bytes[3] !== 70) {
    throw new ObjectFormatError("ELF header", "not an ELF file (bad magic)");
  }
  if (bytes[4] !== ELFCLASS64)
    throw new ObjectFormatError("ELF header", `class ${bytes[4]} is not ELF64`);
  if (bytes[5] !== ELFDATA2LSB)
    throw new ObjectFormatError("ELF header", "big-endian objects are not supported");
  const machine = file.u16(18);
  if (machine !== EM_BPF)
    throw new ObjectFormatError("ELF header", `e_machine ${machine} is not EM_BPF (247)`);
  const shoff = file.u64n(40, "e_shoff");
  const shentsize = file.u16(58);
  let shnum = file.u16(60);
  let shstrndx = file.u16(62);
  if (shentsize !== SHDR_SIZE && shnum !== 0)
    throw new ObjectFormatError("ELF header", `e_shentsize ${shentsize} (want ${SHDR_SIZE})`);
  if (shoff !== 0 && (shnum === 0 || shstrndx === SHN_XINDEX)) {
    file.check(shoff, SHDR_SIZE, "section header 0");
    if (shnum === 0)
      shnum = file.u64n(shoff + 32);
    if (shstrndx === SHN_XINDEX)
      shstrndx = file.u32(shoff + 40);
  }
  file.check(shoff, shnum * SHDR_SIZE, "section header table");
  const headers = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * SHDR_SIZE;
    return {
      nameOff: file.u32(at),
      type: file.u32(at + 4),
      flags: file.u64n(at + 8),
      offset: file.u64n(at + 24),
      size: file.u64n(at + 32),
      link: file.u32(at + 40),
      info: file.u32(at + 44),
      align: file.u64n(at + 48),
      entsize: file.u64n(at + 56)
    };
  });
  if (shstrndx >= shnum)
    throw new ObjectFormatError("ELF header", `e_shstrndx ${shstrndx} is not a section (${shnum} sections)`);
  const shstrHeader = headers[shstrndx];
  const shstrtab = new StringTableReader(sectionData(file, ".shstrtab", shstrHeader.type, shstrHeader.offset, shstrHeader.size), ".shstrtab");
  const sections = headers.map((h, index) => {
    const name = index === 0 ? "" : shstrtab.get(h.nameOff, `name of section ${index}`);
    return { index, name, type: h.type, flags: h.flags, size: h.size, link: h.link, info: h.info, align: h.align, entsize: h.entsize, data: sectionData(file, name, h.type, h.offset, h.size) };
  });
  const symtabs = sections.filter((s) => s.type === SHT.SYMTAB);
  if (symtabs.length > 1)
    throw new ObjectFormatError(".symtab", "more than one symbol table");
  const symbols = symtabs.length === 1 ? parseSymbols(symtabs[0], sections) : [];
  const relocations = /* @__PURE__ */ new Map();
  for (const section of sections) {
    if (section.type === SHT.RELA) {
      throw new ObjectFormatError(section.name, "RELA relocations are not used by BPF objects (expected REL)");
    }
    if (section.type !== SHT.REL)
      continue;
    if (section.info >= sections.length) {
      throw new ObjectFormatError(section.name, `sh_info ${section.info} is not a section`);
    }
    const entsize = section.entsize === 0 ? REL_SIZE : section.entsize;
    if (entsize !== REL_SIZE || section.size % REL_SIZE !== 0) {
      throw new ObjectFormatError(section.name, `entry size ${section.entsize} / size ${section.size} do not fit ${REL_SIZE}-byte Elf64_Rel entries`);
    }
    const r = new ByteReader(section.data, section.name);
    const list = [];
    for (let at = 0; at < section.size; at += REL_SIZE) {
      const offset = r.u64n(at, "r_offset");
      const info2 = r.u64(at + 8, "r_info");
      const symIndex = Number(info2 >> 32n);
      const symbol = symbols[symIndex];
      if (symbol === void 0) {
        throw new ObjectFormatError(section.name, `relocation at offset ${offset} refers to symbol ${symIndex}, which does not exist`);
      }
      list.push({ offset, type: Number(info2 & 0xffffffffn), symbol });
    }
    relocations.set(section.info, [...relocations.get(section.info) ?? [], ...list]);
  }
  return { sections, symbols, relocations };
}
function parseSymbols(symtab, sections) {
  if (symtab.size % SYM_SIZE !== 0)
    throw new ObjectFormatError(symtab.name, `size ${symtab.size} is not a multiple of ${SYM_SIZE}`);
  const strtab = sections[symtab.link];
  if (strtab === void 0 || strtab.type !== SHT.STRTAB) {
    throw new ObjectFormatError(symtab.name, `sh_link ${symtab.link} is not a string table`);
  }
  const names = new StringTableReader(strtab.data, strtab.name);
  const r = new ByteReader(symtab.data, symtab.name);
  const symbols = [];
  for (let at = 0, index = 0; at < symtab.size; at += SYM_SIZE, index++) {
    const info2 = r.u8(at + 4);
    const shndx = r.u16(at + 6);
    if (shndx !== 0 && shndx < SHN_LORESERVE && shndx >= sections.length) {
      throw new ObjectFormatError(symtab.name, `symbol ${index} is in section ${shndx}, which does not exist`);
    }
    symbols.push({
      index,
      name: names.get(r.u32(at), `name of symbol ${index}`),
      bind: info2 >> 4,
      type: info2 & 15,
      visibility: r.u8(at + 5) & 3,
      shndx,
      value: r.u64n(at + 8, "st_value"),
      size: r.u64n(at + 16, "st_size")
    });
  }
  return symbols;
}
var TEXT2 = ".text";
function linkPrograms(elf, ext, maps) {
  const code = /* @__PURE__ */ new Map();
  const functions = collectFunctions(elf, code);
  const relocs = /* @__PURE__ */ new Map();
  for (const [index, list] of elf.relocations) {
    if (!code.has(index))
      continue;
    relocs.set(index, new Map(list.map((r) => [r.offset, r])));
  }
  const extIndex = {
    func: new Map(ext.funcInfo.map((g) => [g.section, g.records])),
    line: new Map(ext.lineInfo.map((g) => [g.section, g.records])),
    core: new Map(ext.coreRelos.map((g) => [g.section, g.records]))
  };
  const bySection = /* @__PURE__ */ new Map();
  for (const fn of functions)
    bySection.set(fn.section.index, [...bySection.get(fn.section.index) ?? [], fn]);
  return functions.filter((fn) => fn.isProgram).map((fn) => linkProgram(fn, { sections: elf.sections, code, relocs, bySection, extIndex, maps }));
}
function collectFunctions(elf, code) {
  const functions = [];
  for (const section of elf.sections) {
    if (section.type !== SHT.PROGBITS || (section.flags & SHF.EXECINSTR) === 0 || section.size === 0)
      continue;
    code.set(section.index, decodeInstructions(section.data, section.name));
    const symbols = elf.symbols.filter((s) => s.shndx === section.index && s.type === STT.FUNC).sort((a, b) => a.value - b.value);
    symbols.forEach((s, k) => {
      if (s.value % INSTRUCTION_SIZE !== 0 || s.size % INSTRUCTION_SIZE !== 0) {
        throw new ObjectFormatError(section.name, `function '${s.name}' at offset ${s.value} (size ${s.size}) is not instruction-aligned`);
      }
      const endBytes = s.size > 0 ? s.value + s.size : symbols[k + 1]?.value ?? section.size;
      if (endBytes > section.size) {
        throw new ObjectFormatError(section.name, `function '${s.name}' at offset ${s.value} (size ${s.size}) crosses the section end (${section.size})`);
      }
      functions.push({
        name: s.name,
        section,
        start: s.value / INSTRUCTION_SIZE,
        end: endBytes / INSTRUCTION_SIZE,
        // libbpf: functions of .text are subprograms; elsewhere, non-static ones are programs.
        isProgram: section.name !== TEXT2 && s.bind !== STB.LOCAL
      });
    });
  }
  return functions;
}
function linkProgram(entry, ctx) {
  const instructions = [];
  const mapReferences = [];
  const externReferences = [];
  const funcInfo = [];
  const lineInfo = [];
  const coreRelocations = [];
  const placed = /* @__PURE__ */ new Map();
  const append = (fn) => {
    const pos = instructions.length;
    placed.set(fn, pos);
    const source = ctx.code.get(fn.section.index);
    for (let i = fn.start; i < fn.end; i++)
      instructions.push({ ...source[i] });
    const lo = fn.start * INSTRUCTION_SIZE;
    const hi = fn.end * INSTRUCTION_SIZE;
    const slot = (insnOff) => pos + insnOff / INSTRUCTION_SIZE - fn.start;
    const within = (r) => r.insnOff >= lo && r.insnOff < hi;
    const name = fn.section.name;
    for (const r of ctx.extIndex.func.get(name) ?? [])
      if (within(r))
        funcInfo.push({ instruction: slot(r.insnOff), typeId: r.typeId });
    for (const r of ctx.extIndex.line.get(name) ?? []) {
      if (within(r))
        lineInfo.push({ instruction: slot(r.insnOff), fileName: r.fileName, lineText: r.lineText, line: r.line, column: r.column });
    }
    for (const r of ctx.extIndex.core.get(name) ?? []) {
      if (within(r))
        coreRelocations.push({ instruction: slot(r.insnOff), typeId: r.typeId, accessString: r.accessString, kind: r.kind });
    }
    process2(fn, pos);
    return pos;
  };
  const functionAt = (section, slot, from) => {
    const fn = ctx.bySection.get(section.index)?.find((f) => f.start === slot);
    if (fn === void 0)
      throw new ObjectFormatError(section.name, `${from} targets instruction ${slot}, which starts no function`);
    return fn;
  };
  const process2 = (fn, pos) => {
    const sectionRelocs = ctx.relocs.get(fn.section.index);
    const where = (j) => `instruction ${fn.start + j} (in '${fn.name}')`;
    for (let j = 0; j < fn.end - fn.start; j++) {
      const at = pos + j;
      const insn2 = instructions[at];
      const reloc = sectionRelocs?.get((fn.start + j) * INSTRUCTION_SIZE);
      const isCall = insn2.code === CALL;
      const isLd = isLdImm64(insn2);
      if (isLd && (j + 1 >= fn.end - fn.start || instructions[at + 1].code !== 0)) {
        throw new ObjectFormatError(fn.section.name, `${where(j)}: ld_imm64 without its second slot`);
      }
      let target;
      if (reloc !== void 0) {
        const sym = reloc.symbol;
        if (!isCall && !isLd) {
          throw new ObjectFormatError(fn.section.name, `${where(j)}: relocation against '${sym.name}' on an instruction that is neither a call nor an ld_imm64 (opcode 0x${insn2.code.toString(16)})`);
        }
        if (sym.shndx === SHN_UNDEF) {
          externReferences.push({ instruction: at, name: sym.name, kind: isCall ? "call" : "ld_imm64" });
          if (isCall)
            Object.assign(insn2, { src: CallSrc.KFUNC, imm: 0, off: 0 });
        } else if (sym.shndx >= SHN_LORESERVE) {
          throw new ObjectFormatError(fn.section.name, `${where(j)}: relocation against '${sym.name}' in special section 0x${sym.shndx.toString(16)}`);
        } else {
          const symSection = sectionOf(ctx, sym.shndx, fn.section);
          if (isCall) {
            if (insn2.src !== CallSrc.PSEUDO_CALL)
              throw new ObjectFormatError(fn.section.name, `${where(j)}: relocated call is not a BPF-to-BPF call (src_reg ${insn2.src})`);
            target = { section: symSection, slot: sym.value / INSTRUCTION_SIZE + insn2.imm + 1 };
          } else if (ctx.code.has(sym.shndx)) {
            if ((sym.value + insn2.imm) % INSTRUCTION_SIZE !== 0)
              throw new ObjectFormatError(fn.section.name, `${where(j)}: function address ${sym.value + insn2.imm} is not instruction-aligned`);
            target = { section: symSection, slot: (sym.value + insn2.imm) / INSTRUCTION_SIZE };
          } else {
            const map = ctx.maps.mapAt(sym.shndx, sym.value);
            const data = ctx.maps.dataMap(sym.shndx);
            const next = instructions[at + 1];
            if (map !== void 0) {
              mapReferences.push({ instruction: at, map, kind: "map", offset: 0 });
              Object.assign(insn2, { src: PseudoSrc.MAP_FD, imm: 0 });
              next.imm = 0;
            } else if (data !== void 0) {
              const offset = sym.value + insn2.imm;
              mapReferences.push({ instruction: at, map: data, kind: "value", offset });
              Object.assign(insn2, { src: PseudoSrc.MAP_VALUE, imm: 0 });
              next.imm = offset;
            } else {
              throw new ObjectFormatError(fn.section.name, `${where(j)}: relocation against '${sym.name || symSection.name}' in section '${symSection.name}', which holds no map`);
            }
          }
        }
      } else if (isCall && insn2.src === CallSrc.PSEUDO_CALL) {
        target = { section: fn.section, slot: fn.start + j + insn2.imm + 1 };
      } else if (isLd && insn2.src === PseudoSrc.FUNC) {
        target = { section: fn.section, slot: fn.start + j + insn2.imm + 1 };
      }
      if (target !== void 0) {
        const callee = functionAt(target.section, target.slot, where(j));
        const calleePos = placed.get(callee) ?? append(callee);
        insn2.src = isCall ? CallSrc.PSEUDO_CALL : PseudoSrc.FUNC;
        insn2.imm = calleePos - at - 1;
        if (isLd)
          instructions[at + 1].imm = 0;
      }
      if (isLd)
        j++;
    }
  };
  append(entry);
  mapReferences.sort((a, b) => a.instruction - b.instruction);
  externReferences.sort((a, b) => a.instruction - b.instruction);
  const program = {
    name: entry.name,
    section: entry.section.name,
    instructions,
    mapReferences,
    funcInfo,
    lineInfo,
    coreRelocations
  };
  if (externReferences.length > 0)
    program.externReferences = externReferences;
  return program;
}
function sectionOf(ctx, index, from) {
  const section = ctx.sections[index];
  if (section === void 0)
    throw new ObjectFormatError(from.name, `relocation refers to section ${index}, which does not exist`);
  return section;
}
var BPF_F_RDONLY_PROG = 128;
function readElf(bytes) {
  const elf = parseElf(bytes);
  const byName = new Map(elf.sections.map((s) => [s.name, s]));
  if (byName.has("maps")) {
    throw new ObjectFormatError("maps", "legacy map definitions (struct bpf_map_def in section 'maps') are not supported; use BTF-defined maps in '.maps'");
  }
  const btfSection = byName.get(".BTF");
  const extSection = byName.get(".BTF.ext");
  const btf = btfSection !== void 0 ? decodeBtf(btfSection.data) : { types: [] };
  const ext = extSection !== void 0 && btfSection !== void 0 ? decodeBtfExt(extSection.data, btfSection.data) : { funcInfo: [], lineInfo: [], coreRelos: [] };
  fixupDatasecs(btf, elf);
  staticHiddenFuncs(btf, elf);
  const maps = [];
  const mapOffsets = /* @__PURE__ */ new Map();
  const mapsSection = byName.get(".maps");
  if (mapsSection !== void 0) {
    const datasec = findTypeByName(btf, ".maps", "datasec")?.type;
    if (datasec === void 0) {
      if (mapsSection.size > 0)
        throw new ObjectFormatError(".maps", "no DATASEC '.maps' in .BTF describes the maps (legacy map definitions are not supported)");
    } else {
      for (const { map, offset } of readBtfMaps(btf, datasec)) {
        maps.push(map);
        mapOffsets.set(offset, map.name);
      }
    }
  }
  const dataMaps = /* @__PURE__ */ new Map();
  for (const section of elf.sections) {
    const map = dataMap(section, btf);
    if (map === void 0)
      continue;
    maps.push(map);
    dataMaps.set(section.index, map.name);
  }
  const locator = {
    mapAt: (index, offset) => index === mapsSection?.index ? mapOffsets.get(offset) : void 0,
    dataMap: (index) => dataMaps.get(index)
  };
  const programs = linkPrograms(elf, ext, locator);
  const spec = { license: license(byName.get("license")), programs, maps, btf };
  const names = new Set(programs.map((p) => p.name));
  const programAt = (section, offset) => elf.symbols.find((s) => s.shndx === section && s.type === STT.FUNC && s.value === offset && names.has(s.name))?.name;
  const structOps = readStructOps(elf, btf, programAt);
  if (structOps.length > 0)
    spec.structOps = structOps;
  return spec;
}
function dataMap(section, btf) {
  const kind = dataSectionKind(section.name);
  if (kind === void 0 || section.size === 0 || (section.flags & SHF.EXECINSTR) !== 0)
    return void 0;
  if (section.type !== (kind === "bss" ? SHT.NOBITS : SHT.PROGBITS)) {
    if (section.type !== SHT.PROGBITS && section.type !== SHT.NOBITS)
      return void 0;
  }
  const first = btf.firstTypeId ?? 1;
  const datasecIndex = btf.types.findIndex((t) => t.kind === "datasec" && t.name === section.name);
  const map = {
    name: section.name,
    kind,
    type: MapType.Array,
    keySize: 4,
    valueSize: section.size,
    maxEntries: 1,
    flags: kind === "rodata" ? BPF_F_RDONLY_PROG : 0,
    keyTypeId: 0,
    valueTypeId: datasecIndex >= 0 ? datasecIndex + first : 0
  };
  if (section.type === SHT.PROGBITS)
    map.contents = section.data.slice();
  return map;
}
function license(section) {
  if (section === void 0)
    return "";
  const end = section.data.indexOf(0);
  return decodeUtf8(section.data.subarray(0, end < 0 ? section.data.length : end));
}
function staticHiddenFuncs(btf, elf) {
  const STT_FUNC = 2;
  const STV_HIDDEN = 2;
  const hidden = new Set(elf.symbols.filter((s) => s.type === STT_FUNC && s.visibility === STV_HIDDEN).map((s) => s.name));
  if (hidden.size === 0)
    return;
  btf.types.forEach((t, i) => {
    if (t.kind === "func" && hidden.has(t.name) && t.linkage === 1)
      btf.types[i] = { ...t, linkage: 0 };
  });
}
var utf82 = new TextDecoder();
var encoder = new TextEncoder();

// packages/tsbpf/dist/index.js
import { loadObject } from "@tsbpf/runtime";
import { GlobalDataHandle } from "@tsbpf/runtime";
import { existsSync as existsSync2, readFileSync as readFileSync3 } from "node:fs";
import { dirname as dirname22, isAbsolute as isAbsolute2, resolve as resolve3 } from "node:path";
import { fileURLToPath as fileURLToPath2 } from "node:url";
import { loadObject as loadObject2, tracePipe, symbolizeKernel, symbolizeUser, demangle, formatFrame, foldedName, VerifierError, NotSupportedError, PermissionError, ObjectError, MapError } from "@tsbpf/runtime";
var require6 = __tsbpfCreateRequire5(import.meta.url);
var ownFolder = (() => {
  try {
    return dirname2(fileURLToPath(import.meta.url)) + sep2;
  } catch {
    return void 0;
  }
})();
Symbol.metadata ??= /* @__PURE__ */ Symbol.for("Symbol.metadata");
var probeSourceKey = /* @__PURE__ */ Symbol.for("tsbpf.probeSource");
var Probe = class {
};
function probeSourceOf(probeClass) {
  const metadata = probeClass[Symbol.metadata];
  const file = metadata?.[probeSourceKey];
  return typeof file === "string" ? file : void 0;
}
var atomics = kernelOnly("atomics");
var embedded = /* @__PURE__ */ new WeakMap();
function embedProbeObject(probeClass, object) {
  const bytes = typeof object === "string" ? new Uint8Array(Buffer.from(object, "base64")) : object;
  embedded.set(probeClass, bytes);
}
function embeddedObjectOf(probeClass) {
  return embedded.get(probeClass);
}
function defineGlobals(loaded, object) {
  for (const map of object.maps.values()) {
    if (!(map instanceof GlobalDataHandle))
      continue;
    for (const name of map.names) {
      if (Object.hasOwn(loaded, name))
        continue;
      Object.defineProperty(loaded, name, {
        get: () => map.get(name),
        set: (value) => map.set(name, value),
        enumerable: true
      });
    }
  }
}
function pathFrom(source) {
  if (source instanceof URL || source.startsWith("file:"))
    return fileURLToPath2(source);
  return resolve3(source);
}
function sourceFromMap(jsFile) {
  let text;
  try {
    text = readFileSync3(jsFile, "utf8");
  } catch {
    return void 0;
  }
  const comment = /\/\/[#@] sourceMappingURL=(\S+)\s*$/.exec(text.trimEnd());
  if (!comment)
    return void 0;
  const url = comment[1];
  let map;
  let base = dirname22(jsFile);
  try {
    if (url.startsWith("data:")) {
      const data = url.slice(url.indexOf(",") + 1);
      map = JSON.parse(url.includes(";base64,") ? Buffer.from(data, "base64").toString("utf8") : decodeURIComponent(data));
    } else {
      const mapFile = url.startsWith("file:") ? fileURLToPath2(url) : resolve3(base, decodeURIComponent(url));
      map = JSON.parse(readFileSync3(mapFile, "utf8"));
      base = dirname22(mapFile);
    }
  } catch {
    return void 0;
  }
  const root = map.sourceRoot ?? "";
  const sources = (map.sources ?? []).map((s) => s.startsWith("file:") ? fileURLToPath2(s) : resolve3(base, root, s)).filter((s) => /\.[cm]?tsx?$/.test(s) && !s.endsWith(".d.ts") && existsSync2(s));
  return sources.length === 1 ? sources[0] : void 0;
}
function probeSourceFile(probeClass, explicit) {
  if (explicit !== void 0)
    return pathFrom(explicit);
  const recorded = probeSourceOf(probeClass);
  if (!recorded) {
    throw new Error(`tsbpf: cannot find the source of ${probeClass.name}: its decorators did not record a file. Decorate at least one method with a hook (e.g. @tracepoint), or name the file: load(${probeClass.name}, { source: new URL("./probe.bpf.ts", import.meta.url) }). In bundled code: this bundle holds no compiled object for the probe class being loaded; @tsbpf/unplugin embeds one for each probe module it compiles (files named *.bpf.ts, or matching its \`include\` option).`);
  }
  if (!/\.[cm]?jsx?$/.test(recorded) || !isAbsolute2(recorded))
    return recorded;
  const mapped = sourceFromMap(recorded);
  if (mapped)
    return mapped;
  throw new Error(`tsbpf: ${probeClass.name} was defined in ${recorded}, a JavaScript file (a build output or a bundle) with no single TypeScript source in a source map, and no compiled object was embedded for it. Bundle with the bundler plugin (@tsbpf/unplugin), which compiles the probe and embeds its object, or name the TypeScript file: load(${probeClass.name}, { source: "<path or file URL of the .bpf.ts>" }).`);
}
async function compileProbeClass(probeClass, options = {}) {
  const file = probeSourceFile(probeClass, options.source);
  const { probes } = await compileProbeFile(file);
  const probe2 = probes.find((p) => p.className === probeClass.name);
  if (!probe2) {
    throw new Error(`tsbpf: ${file} has no probe class named ${probeClass.name} (found: ${probes.map((p) => p.className).join(", ") || "none"})`);
  }
  return { className: probe2.className, elf: probe2.elf, spec: readElf(probe2.elf) };
}
async function load(probe2, options = {}) {
  const { source, className, ...rest } = options;
  const elf = typeof probe2 === "function" ? embeddedObjectOf(probe2) ?? (await compileProbeClass(probe2, { source })).elf : await compileProbeByFile(pathFrom(probe2), className);
  const object = await loadObject(elf, {
    ...rest,
    config: options.config
  });
  return wrap(object);
}
async function compileProbeByFile(file, className) {
  const { probes } = await compileProbeFile(file);
  const probe2 = className === void 0 && probes.length === 1 ? probes[0] : probes.find((p) => p.className === className);
  if (!probe2) {
    throw new Error(`tsbpf: ${className === void 0 ? `${file} has ${probes.length} probe classes: choose one with the className option` : `${file} has no probe class named ${className}`} (found: ${probes.map((p) => p.className).join(", ") || "none"})`);
  }
  return probe2.elf;
}
function ownedLinks(object, program) {
  return new Proxy(program, {
    get(target, property) {
      if (property === "attach")
        return (options) => object.adopt(target.attach(options));
      if (property === "attachIter")
        return (options) => object.adopt(target.attachIter(options));
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    }
  });
}
function wrap(object) {
  const loaded = {
    object,
    programs: Object.freeze(Object.fromEntries([...object.programs].map(([name, program]) => [name, ownedLinks(object, program)]))),
    attach: () => object.attach(),
    close: () => object.close(),
    [Symbol.dispose]: () => object.close(),
    [Symbol.asyncDispose]: async () => object.close()
  };
  for (const [name, map] of object.maps) {
    if (name.startsWith("."))
      continue;
    Object.defineProperty(loaded, name, { value: map, enumerable: true });
  }
  defineGlobals(loaded, object);
  return loaded;
}

// packages/tsbpf/.bench-app-src-9726.mjs
var Hello = class extends Probe {
};
embedProbeObject(Hello, Uint8Array.from(atob("f0VMRgIBAQAAAAAAAAAAAAEA9wABAAAAAAAAAAAAAAAAAAAAAAAAAGAGAAAAAAAAAAAAAEAAAAAAAEAACQAIAL8WAAAAAAAAhQAAAA4AAAB3AAAAIAAAABgBAAAAAAAAAAAAAAAAAABhFAAAAAAAABYEAQAAAAAAXkAGAAAAAAB5ZBAAAAAAABgBAAAEAAAAAAAAAAAAAAC0AgAAIAAAAL8DAAAAAAAAhQAAAAYAAAC0AAAAAAAAAJUAAAAAAAAAGAAAAAAAAAABAAAAAgAAAEgAAAAAAAAAAQAAAAIAAABHUEwAAAAAAAAAAABoZWxsbzogd3JpdGUgYnkgcGlkICVkIHRvIGZkICVkAJ/rAQAYAAAAAAAAAIwBAACMAQAA9wEAAAEAAAAAAAABAgAAABAAAAAQAAAAAAAAAQEAAAAIAAAAHgAAAAAAAAEEAAAAIAAAASIAAAAEAAAECAAAAC4AAAABAAAAAAAAADMAAAACAAAAEAAAADkAAAACAAAAGAAAAEcAAAADAAAAIAAAAEsAAAAAAAABCAAAAEAAAAFVAAAAAAAAAQgAAABAAAAAaAAAAAAAAAEEAAAAIAAAAAAAAAAAAAADAAAAAAYAAAAHAAAABgAAAHwAAAADAAAEQAAAAJYAAAAEAAAAAAAAAJoAAAAFAAAAQAAAAJ0AAAAIAAAAgAAAAAAAAAAAAAACCQAAAAAAAAABAAANAwAAAKIAAAAKAAAApgAAAAEAAAwLAAAArgAAAAAAAAEEAAAAIAAAALsAAAAAAAAODQAAAAEAAADFAAAAAAAAAQEAAAAIAAABAAAAAAAAAAMAAAAADwAAAAcAAAAgAAAAygAAAAAAAA4QAAAAAAAAANIAAAACAAAPJAAAAA4AAAAAAAAABAAAABEAAAAEAAAAIAAAAAB1bnNpZ25lZCBzaG9ydAB1bnNpZ25lZCBjaGFyAGludAB0cmFjZV9lbnRyeQB0eXBlAGZsYWdzAHByZWVtcHRfY291bnQAcGlkAGxvbmcgbG9uZwB1bnNpZ25lZCBsb25nIGxvbmcAX19BUlJBWV9TSVpFX1RZUEVfXwB0cmFjZV9ldmVudF9yYXdfc3lzX2VudGVyAGVudABpZABhcmdzAGN0eABvbldyaXRlAHVuc2lnbmVkIGludAB0YXJnZXRQaWQAY2hhcgBfX2ZtdF8wAC5yb2RhdGEAdHJhY2Vwb2ludC9zeXNjYWxscy9zeXNfZW50ZXJfd3JpdGUAZXhhbXBsZXMvaGVsbG8uYnBmLnRzACAgb25Xcml0ZShjdHg6IFN5c0VudGVyQ29udGV4dCk6IGkzMiB7ACAgICBjb25zdCBwaWQgPSB1MzIoYnBmLmdldEN1cnJlbnRQaWRUZ2lkKCkgPj4gMzJuKTsAICAgIGlmICh0aGlzLnRhcmdldFBpZCAhPT0gMCAmJiBwaWQgIT09IHRoaXMudGFyZ2V0UGlkKSByZXR1cm4gMDsAICAgIGJwZi5wcmludGsoImhlbGxvOiB3cml0ZSBieSBwaWQgJWQgdG8gZmQgJWQiLCBwaWQsIGN0eC5hcmdzWzBdKTsAAJ/rAQAgAAAAAAAAABQAAAAUAAAAXAAAAHAAAAAAAAAACAAAANoAAAABAAAAAAAAAAwAAAAQAAAA2gAAAAUAAAAAAAAA/gAAABQBAAADMAAACAAAAP4AAAA7AQAABTQAABgAAAD+AAAAcAEAAAU4AABAAAAA/gAAALIBAAAFPAAAcAAAAP4AAABwAQAAOTgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAQAAAAAAAAAAAAAAAAAAAAAAAEAAAABAAQABAAAAAAAAAAgAAAAAAAAAAkAAAASAAEAAAAAAAAAAACAAAAAAAAAABEAAAARAAQAAAAAAAAAAAAEAAAAAAAAAABfX2ZtdF8wAG9uV3JpdGUAdGFyZ2V0UGlkAHRyYWNlcG9pbnQvc3lzY2FsbHMvc3lzX2VudGVyX3dyaXRlAC5yZWx0cmFjZXBvaW50L3N5c2NhbGxzL3N5c19lbnRlcl93cml0ZQBsaWNlbnNlAC5yb2RhdGEALkJURgAuQlRGLmV4dAAuc3ltdGFiAC5zdHJ0YWIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABsAAAABAAAABgAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAgAAAAAAAAAAAAAAAAAAAAAgAAAAAAAAAAAAAAAAAAAA/AAAACQAAAEAAAAAAAAAAAAAAAAAAAADAAAAAAAAAACAAAAAAAAAABwAAAAEAAAAIAAAAAAAAABAAAAAAAAAAZwAAAAEAAAADAAAAAAAAAAAAAAAAAAAA4AAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAG8AAAABAAAAAgAAAAAAAAAAAAAAAAAAAOgAAAAAAAAAJAAAAAAAAAAAAAAAAAAAAAgAAAAAAAAAAAAAAAAAAAB3AAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAMAQAAAAAAAJsDAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAfAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAqAQAAAAAAACQAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAAIUAAAACAAAAAAAAAAAAAAAAAAAAAAAAADgFAAAAAAAAkAAAAAAAAAAIAAAABAAAAAgAAAAAAAAAGAAAAAAAAACNAAAAAwAAAAAAAAAAAAAAAAAAAAAAAADIBQAAAAAAAJUAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAAAAA"), (c) => c.charCodeAt(0)));
var probe = await load(Hello, { config: { targetPid: 1 } });
probe.attach();
console.log("attached");
process.on("SIGINT", () => {
  probe.close();
  process.exit(0);
});
setInterval(() => {
}, 1 << 30);
