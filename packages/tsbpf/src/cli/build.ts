/** `tsbpf build`: writes one BPF ELF object per probe class. */
import { writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UsageError } from "./args.js";
import { compileForCli } from "./compile.js";

export async function build(
  command: { file: string; output?: string; className?: string },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<void> {
  const probes = await compileForCli(command.file, command.className, io.stderr);
  if (command.output && probes.length > 1) {
    throw new UsageError(
      `${command.file} has ${probes.length} probe classes (${probes.map((p) => p.className).join(", ")}); ` +
        `choose one with --class, or leave out -o to write one object per class`,
    );
  }
  const stem = join(dirname(command.file), basename(command.file).replace(/(\.bpf)?\.[cm]?ts$/, ""));
  for (const probe of probes) {
    const output = command.output ?? (probes.length === 1 ? `${stem}.bpf.o` : `${stem}.${probe.className}.bpf.o`);
    writeFileSync(output, probe.elf);
    io.stdout.write(`${output}: ${probe.className}, ${probe.spec.programs.length} program(s), ${probe.spec.maps.length} map(s)\n`);
  }
}
