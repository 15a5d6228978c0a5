/** Test helpers for packages that test against the runtime (import from "@tsbpf/runtime/testing"). */
export { describeKernel, itKernel, kernelTestSkipReason } from "./kernel.js";
export { BtfBuilder } from "./btf.js";
export { exclusively } from "./exclusive.js";
export { tcpTransfer } from "./tcp-transfer.js";
export { counterObject, type CounterOptions } from "./programs.js";
export { FakeKernel } from "../sys/fake.js";
