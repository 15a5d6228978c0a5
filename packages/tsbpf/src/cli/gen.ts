/**
 * `tsbpf gen vmlinux [--btf <file>] [-o <out>]`: TypeScript declarations of a kernel's types
 * (every struct, union, enum, typedef and function prototype) from its BTF: the running kernel's
 * /sys/kernel/btf/vmlinux by default. Without -o the declarations go to stdout.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { arch, release } from "node:os";
import { generateVmlinux } from "@tsbpf/compiler";
import { LazyBtf } from "@tsbpf/object";
import { UsageError } from "./args.js";

const VMLINUX = "/sys/kernel/btf/vmlinux";

export function gen(
  command: { btf?: string; output?: string },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): void {
  const path = command.btf ?? VMLINUX;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new UsageError(`cannot read BTF from ${path}: ${(error as Error).message}${command.btf ? "" : " (use --btf <file>)"}`);
  }
  let btf: LazyBtf;
  try {
    btf = LazyBtf.parse(bytes);
  } catch (error) {
    throw new UsageError(`${path} is not BTF: ${(error as Error).message}`);
  }
  const text = generateVmlinux(btf, { source: command.btf ?? `${VMLINUX} of Linux ${release()} ${arch()} (${btf.count} types)` });
  if (command.output) {
    writeFileSync(command.output, text);
    io.stderr.write(`${command.output}: ${btf.count} kernel types\n`);
  } else {
    io.stdout.write(text);
  }
}
