/**
 * Stack temporaries for helper arguments that must be in memory (map keys and values). Each one
 * lives only until its call: the call's lowering releases it, and later calls reuse the memory.
 */
import type { FunctionBuilder } from "../ir/builder.js";
import type { StackObject } from "../ir/ir.js";

export class TempPool {
  private readonly free: StackObject[] = [];
  private readonly builder: FunctionBuilder;

  constructor(builder: FunctionBuilder) {
    this.builder = builder;
  }

  acquire(size: number, align: number, name: string): StackObject {
    const index = this.free.findIndex((o) => o.size >= size && o.align >= align);
    if (index >= 0) return this.free.splice(index, 1)[0]!;
    return this.builder.stackObject(Math.ceil(size / 8) * 8, Math.max(align, 8), name, true);
  }

  release(objects: readonly StackObject[]): void {
    this.free.push(...objects);
  }
}
