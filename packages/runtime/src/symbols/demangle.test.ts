// Demangling against GNU c++filt (binutils, an independent implementation): C++ names exactly;
// Rust names up to what the two print differently by design (c++filt keeps a legacy name's
// ::h<hash> and a v0 crate's [disambiguator], which profilers leave out). Plain C names pass through.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { demangle, isMangled } from "./demangle.js";
import { foldedName, formatFrame } from "./frame.js";

const cxxfilt = (name: string) => execFileSync("c++filt", [name], { encoding: "utf8" }).trim();

describe("demangle", () => {
  it("names C++ symbols as c++filt does", () => {
    for (const name of [
      "_ZN3foo3barEv",
      "_ZNSt6vectorIiSaIiEE9push_backERKi",
      "_ZN4demo10ask_parentEi",
      "_ZNK5boost6system14error_category12std_categoryneERKSt14error_category",
      "_ZN2v810FixedArray9CheckCastEPNS_4DataE",
      "_ZN12v8_inspector10V8Debugger12queryObjectsEN2v85LocalINS1_7ContextEEENS2_INS1_6ObjectEEE",
      "_ZdlPvm",
    ]) {
      expect(cxxfilt(name)).not.toBe(name);
      expect(demangle(name)).toBe(cxxfilt(name));
    }
  });

  it("names Rust symbols (legacy and v0) as c++filt does, without hash and disambiguator", () => {
    for (const name of ["_ZN4core3fmt5write17h0123456789abcdefE", "_ZN3std2rt10lang_start17h8f1d3a1d7b4c5e6fE", "_RNvCs1234_7mycrate3foo", "_RNvNtCs1234_7mycrate6module4func"]) {
      const reference = cxxfilt(name).replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]+\]/g, "");
      expect(demangle(name)).toBe(reference);
    }
  });

  it("leaves C names and unparseable names as they are", () => {
    for (const name of ["main", "getppid", "do_syscall_64", "_Znotmangled", "_ZN2v88internal7Isolate4InitEPNS0_16SnapshotDataEPS1_S4_b"]) expect(demangle(name)).toBe(name);
    expect(isMangled("main")).toBe(false);
    expect(cxxfilt("_Znotmangled")).toBe("_Znotmangled");
  });
});

describe("frames", () => {
  it("formats a frame with its offset, and folds it to a name without ';'", () => {
    expect(formatFrame({ address: 0x1234n, symbol: "main", offset: 0x10n })).toBe("main+0x10");
    expect(formatFrame({ address: 0x1234n })).toBe("0x1234");
    expect(foldedName({ address: 1n, symbol: "std::map<int, int>::find(int const&)" })).toBe("std::map<int, int>::find(int const&)");
    expect(foldedName({ address: 1n, symbol: "a;b" })).toBe("a:b");
    expect(foldedName({ address: 1n, module: "/usr/lib/x86_64-linux-gnu/libc.so.6" })).toBe("[libc.so.6]");
    expect(foldedName({ address: 1n })).toBe("[unknown]");
  });
});
