/**
 * Per-CPU maps hold one value per possible CPU: user space reads and writes them all at once, each
 * in a slot rounded up to 8 bytes. This wraps a value codec into a codec of that array.
 */
import * as z from "zod/mini";
import type { Codec } from "../btf-values/index.js";
import { lazySchema } from "../btf-values/codec.js";
import { MapType } from "@tsbpf/object";

export function isPerCpu(type: number): boolean {
  return type === MapType.PerCpuHash || type === MapType.PerCpuArray || type === MapType.LruPerCpuHash || type === 21; /* PERCPU_CGROUP_STORAGE */
}

export function perCpuCodec(value: Codec, cpus: number): Codec {
  const stride = Math.ceil(value.size / 8) * 8;
  return lazySchema({
    size: stride * cpus,
    describe: `${value.describe} per CPU (${cpus} CPUs)`,
    fits: value.fits && ((values: unknown) => Array.isArray(values) && values.length === cpus && values.every((v) => value.fits!(v))),
    write: (view: DataView, offset: number, values: unknown) => {
      const list = values as unknown[];
      for (let cpu = 0; cpu < cpus; cpu++) value.write(view, offset + cpu * stride, list[cpu]);
    },
    read: (view: DataView, offset: number) => {
      const out = new Array<unknown>(cpus);
      for (let cpu = 0; cpu < cpus; cpu++) out[cpu] = value.read(view, offset + cpu * stride);
      return out;
    },
  }, () => z.array(value.schema).check(z.length(cpus, { error: `expected one value per possible CPU (${cpus})` })));
}
