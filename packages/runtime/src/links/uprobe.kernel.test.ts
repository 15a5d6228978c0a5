// uprobes on a C target built by the test: a function of the executable, a function of a shared
// library (libc's getppid, resolved through the process's mappings), return probes, the pid
// filter, cookies, and uprobe.multi over a glob.
import { realpathSync } from "node:fs";
import { expect, it } from "vitest";
import { loadObject } from "../load/load-object.js";
import { describeKernel } from "../testing/kernel.js";
import { counterObject } from "../testing/programs.js";
import { startTarget, targetBinary } from "../testing/target-process.js";
import { resolveBinary, UserElf } from "./elf-symbols.js";
import { attachUprobe, attachUprobeMulti, parseUprobeTarget } from "./uprobe.js";

describeKernel("uprobes on the kernel", () => {
  it("resolves function offsets from the ELF symbol table", () => {
    const elf = UserElf.open(targetBinary());
    const offset = elf.symbolOffset("tsbpf_target_add");
    expect(offset).toBeGreaterThan(0n);
    expect(elf.matchFunctions("tsbpf_target_*").map((m) => m.name).sort()).toEqual(["tsbpf_target_add", "tsbpf_target_twice"]);
    expect(() => elf.symbolOffset("no_such_function")).toThrow(/has no function no_such_function/);
    expect(parseUprobeTarget("/bin/bash:readline+4", "uprobe")).toEqual({ binary: "/bin/bash", symbol: "readline", offset: 4n });
  });

  it("counts calls of an executable's function, only in the chosen process, with a cookie", async () => {
    await using object = await loadObject(counterObject("uprobe", { cookie: true }));
    const target = startTarget(7);
    const other = startTarget(3); // same binary, another pid: must not count
    using link = attachUprobe("count", object.programs.get("count")!.fd.raw, { binary: targetBinary(), symbol: "tsbpf_target_add", pid: target.pid, cookie: 0xabcn });
    expect(await target.run()).toBe(String([...Array(7).keys()].reduce((s, i) => s + i + 1, 0)));
    await other.run();
    expect(object.variable("hits")).toBe(7n);
    expect(object.variable("cookie")).toBe(0xabcn);
    expect(link.target).toContain("tsbpf_target_add");
  });

  it("probes a shared library function and returns through the section name", async () => {
    const target = startTarget(5);
    // libc.so.6 resolved through the target's own mappings.
    await using object = await loadObject(counterObject("uretprobe/libc.so.6:getppid"));
    const program = object.programs.get("count")!;
    using link = attachUprobe("count", program.fd.raw, { binary: "libc.so.6", symbol: "getppid", pid: target.pid, retprobe: true });
    expect(link.target).toMatch(/^uretprobe\/\/.*libc\.so\.6:getppid/);
    await target.run();
    expect(object.variable("hits")).toBe(5n);
  });

  it("resolves bcc's short library names (\"c\", \"libc\") to the shared object, and counts its calls", async () => {
    const target = startTarget(6);
    // The same file (the target may not have mapped libc yet, and /lib may be a link to /usr/lib).
    const file = (path: string) => realpathSync(path);
    const mapped = file(resolveBinary("libc.so.6", target.pid));
    expect(file(resolveBinary("c", target.pid))).toBe(mapped);
    expect(file(resolveBinary("libc", target.pid))).toBe(mapped);
    expect(resolveBinary("c")).toMatch(/\/libc\.so\.6$/); // the versioned file, not the libc.so linker script
    expect(resolveBinary("true")).toMatch(/\/true$/); // no libtrue.so: a program in PATH
    await using object = await loadObject(counterObject("uprobe"));
    using link = attachUprobe("count", object.programs.get("count")!.fd.raw, { binary: "c", symbol: "getppid", pid: target.pid });
    expect(link.target).toContain("libc.so.6:getppid");
    await target.run();
    expect(object.variable("hits")).toBe(6n);
  });

  it("attaches uprobe.multi to every function matching a glob", async () => {
    await using object = await loadObject(counterObject("uprobe.multi", { cookie: true }));
    const target = startTarget(4);
    using link = attachUprobeMulti("count", object.programs.get("count")!.fd.raw, { binary: targetBinary(), pattern: "tsbpf_target_*", pid: target.pid });
    await target.run();
    expect(object.variable("hits")).toBe(8n); // two functions, four calls each
    link.close();
  });

  it("attaches from the section alone through object.attach()", async () => {
    await using object = await loadObject(counterObject(`uprobe/${targetBinary()}:tsbpf_target_twice`));
    const [link] = object.attach();
    expect(link!.target).toBe(`uprobe/${targetBinary()}:tsbpf_target_twice`);
    await startTarget(3).run();
    expect(object.variable("hits")).toBeGreaterThanOrEqual(3n);
  });
});
