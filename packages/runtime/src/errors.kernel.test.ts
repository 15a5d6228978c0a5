// The typed errors a user meets, each from the real kernel: PermissionError naming the missing
// capability (an unprivileged child), NotSupportedError with cause and remedy for the tracing
// hooks this kernel refuses (found by probing lockdown and the kprobe PMU, not by version),
// ObjectError naming the section, MapError for key/value shapes that do not fit.
import { MapType, type ObjectSpec } from "@tsbpf/object";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { MapError, NotSupportedError, ObjectError } from "./errors.js";
import { kprobesUnavailableReason } from "./links/kprobe.js";
import { loadObject } from "./load/load-object.js";
import { lockdownMode } from "./sys/lockdown.js";
import { BtfBuilder } from "./testing/btf.js";
import { describeKernel } from "./testing/kernel.js";
import { counterObject } from "./testing/programs.js";

describeKernel("typed errors on the kernel", () => {
  it("names the capability an unprivileged process lacks", () => {
    const child = fileURLToPath(new URL("./testing/unprivileged-child.ts", import.meta.url));
    // Root without a single capability (securebits noroot: exec grants none, the bounding set is
    // empty), rather than another uid: the child must read this checkout, which may be private to
    // its owner (a mode-0700 home, mktemp -d).
    const noCapabilities = ["--securebits=+noroot,+noroot_locked,+no_setuid_fixup,+no_setuid_fixup_locked", "--bounding-set=-all", "--inh-caps=-all", "--ambient-caps=-all"];
    const out = execFileSync("setpriv", [...noCapabilities, process.execPath, "--import", "tsx", child], {
      env: { ...process.env, HOME: "/tmp", TSX_TSCONFIG_PATH: "" },
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"],
    }).toString();
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as { name?: string; capability?: string; message?: string };
    expect(result.name).toBe("PermissionError");
    expect(result.capability).toBe("CAP_BPF");
    expect(result.message).toMatch(/needs CAP_BPF/);
  });

  it("names what attaching a tracepoint needs with CAP_BPF and CAP_PERFMON but not root (tracefs)", () => {
    const child = fileURLToPath(new URL("./testing/tracefs-child.ts", import.meta.url));
    // Root uid with three capabilities, kept across the child's own setuid(65534) (no_setuid_fixup):
    // it reads the checkout as root, then runs as nobody with CAP_BPF and CAP_PERFMON.
    const caps = "+bpf,+perfmon,+setuid";
    const out = execFileSync("setpriv", ["--securebits=+noroot,+noroot_locked,+no_setuid_fixup,+no_setuid_fixup_locked", `--bounding-set=-all,${caps}`,
      `--inh-caps=-all,${caps}`, `--ambient-caps=-all,${caps}`, process.execPath, "--import", "tsx", child], {
      env: { ...process.env, HOME: "/tmp", TSX_TSCONFIG_PATH: "" },
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "pipe"],
    }).toString();
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as { name?: string; capability?: string; message?: string; uid?: number };
    expect(result.uid).toBe(65534);
    expect(result.name).toBe("PermissionError");
    expect(result.capability).toBe("CAP_DAC_READ_SEARCH");
    expect(result.message).toMatch(/reading \/sys\/kernel\/(debug\/)?tracing\/events\/syscalls\/sys_enter_getppid\/id was refused: it needs CAP_DAC_READ_SEARCH \(tracefs is readable by root only.*run as root, or grant CAP_DAC_READ_SEARCH/);
  });

  for (const section of ["fentry/do_unlinkat", "fexit/do_unlinkat", "fmod_ret/security_file_open", "lsm/file_open"]) {
    it(`loads ${section.split("/")[0]} where the kernel allows it, else says why not`, async () => {
      const result = await loadObject(counterObject(section)).catch((e: unknown) => e);
      const mode = lockdownMode();
      if (result instanceof Error) {
        expect(result).toBeInstanceOf(NotSupportedError);
        const e = result as NotSupportedError;
        expect(mode).not.toBe("none");
        expect(e.reason).toContain(`locked down (${mode} mode)`);
        expect(e.remedy).toMatch(/tracepoint|raw_tp/);
        return;
      }
      await using object = result as Awaited<ReturnType<typeof loadObject>>;
      const [link] = object.attach();
      expect(link!.target).toBe(section);
    });
  }

  it("says why kprobes cannot attach, from the kernel's own PMU list", async () => {
    await using object = await loadObject(counterObject("kprobe/do_sys_openat2"));
    const reason = kprobesUnavailableReason();
    if (!reason) return void object.attach();
    const error = (() => {
      try {
        object.attach();
      } catch (e) {
        return e as NotSupportedError;
      }
    })();
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(error!.reason).toBe(reason);
    expect(error!.remedy).toBeDefined();
  });

  it("names the section of a malformed object and the map whose shape does not fit", async () => {
    await expect(loadObject(counterObject("nonsense/section"))).rejects.toThrow(ObjectError);
    await expect(loadObject(counterObject("nonsense/section"))).rejects.toThrow(/^nonsense\/section: unknown program section/);
    await expect(loadObject(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]))).rejects.toThrow(ObjectError);
    const b = new BtfBuilder();
    const u32 = b.int("u32", 4);
    const spec: ObjectSpec = {
      license: "GPL",
      btf: b.btf,
      programs: [],
      maps: [{ name: "bad", kind: "btf-map", type: MapType.Hash, keySize: 8, valueSize: 4, maxEntries: 4, flags: 0, keyTypeId: u32, valueTypeId: u32 }],
    };
    const error = await loadObject(spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MapError);
    expect((error as MapError).map).toBe("bad");
    expect((error as Error).message).toMatch(/key type u32 has 4 bytes but the map's key size is 8/);
  });
});
