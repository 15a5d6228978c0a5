/**
 * Builds an `IrFunction` block by block. Lowering keeps a current block; after a terminator
 * (`return`), code goes into a fresh block that nothing jumps to, which dead-code removal drops.
 */
import type { Block, Inst, IrFunction, IrKind, SourceLoc, StackObject, Terminator, VReg } from "./ir.js";

export class FunctionBuilder {
  readonly fn: IrFunction;
  private block: Block;
  private nextReg = 0;
  private nextBlock = 0;
  private nextObject = 0;
  /** The source position given to the instructions emitted from now on. */
  loc: SourceLoc;

  constructor(name: string, loc: SourceLoc) {
    this.loc = loc;
    this.fn = { name, blocks: [], regs: [], stack: [], loc };
    this.block = this.newBlock();
  }

  get current(): Block {
    return this.block;
  }

  newReg(kind: IrKind, name?: string): VReg {
    const r: VReg = name === undefined ? { id: this.nextReg++, kind } : { id: this.nextReg++, kind, name };
    this.fn.regs.push(r);
    return r;
  }

  newBlock(): Block {
    const block: Block = { id: this.nextBlock++, insts: [], term: undefined };
    this.fn.blocks.push(block);
    return block;
  }

  setBlock(block: Block): void {
    this.block = block;
  }

  stackObject(size: number, align: number, name: string, temp = false): StackObject {
    const object: StackObject = { id: this.nextObject++, size, align, name, temp };
    this.fn.stack.push(object);
    return object;
  }

  emit(inst: Inst): void {
    if (this.block.term) this.block = this.newBlock();
    this.block.insts.push({ ...inst, loc: this.loc });
  }

  terminate(term: Terminator): void {
    if (this.block.term) this.block = this.newBlock();
    this.block.term = { ...term, loc: this.loc };
  }

  /** Ends the current block with a jump to `target` unless it already ended. */
  jumpTo(target: Block): void {
    if (!this.block.term) this.terminate({ op: "br", target });
  }

  get terminated(): boolean {
    return this.block.term !== undefined;
  }
}
