// 004 (bcc's reference guide, C side), "Maps": each declaration of the section as a map field
// (bcc's macro in the comment), and each map operation of the section used once, in a uprobe on
// libc's getpid (a pt_regs context for get_stackid and tail calls), filtered to one process
// (`target_tgid`: the guide's snippets have no attach point or filter). What they did is left
// in the maps and in globals for user space (test/bcc-maps.test.ts).
// - BPF_HISTOGRAM(dists, int, 64): bcc makes a histogram with an int key an array (a hash
//   otherwise): an ArrayMap here.
// - BPF_PERF_ARRAY + perf_read (hardware counters): not here — tsbpf's PerfEventArray is an
//   output map, and user space cannot open counters into it (and this machine has no PMU).
// - BPF_SOCKHASH/BPF_SOCKMAP and sock_map_update: the map is declared; sock_ops programs (where
//   the guide calls sock_map_update) are not a tsbpf hook yet.
//   tsbpf run examples/bcc/maps.bpf.ts --config target_tgid=<pid>
import {
  ArrayMap, ArrayOfMaps, CpuMap, DevMap, HashMap, HashOfMaps, LpmTrie, PerCpuArray, PerCpuHash, ProgArray, Probe,
  Queue, SockMap, Stack, StackFlags, StackTrace, UpdateFlags, XDP_PASS, XskMap, bpf, config, i32, u32, u64, uprobe, xdp,
  type PtRegs, type XdpContext, type i64,
} from "tsbpf";

export interface event {
  pid: u32;
  seq: u32;
}
export interface LpmKey {
  prefixLen: u32;
  data: u32;
}
export interface custom_key {
  id: u32;
}

export class MapsExamples extends Probe {
  @config target_tgid: u32 = 0;
  /** BPF_TABLE("hash", u32, u64, table, 1024) */
  table = new HashMap<u32, u64>({ maxEntries: 1024 });
  /** BPF_HASH(map, u64, u64, 1024) */
  map = new HashMap<u64, u64>({ maxEntries: 1024 });
  /** BPF_ARRAY(counts, u64, 1024) */
  counts = new ArrayMap<u64>({ maxEntries: 1024 });
  /** BPF_HISTOGRAM(dists, int, 64) */
  dists = new ArrayMap<u64>({ maxEntries: 64 });
  /** BPF_STACK_TRACE(stack_traces, 1024) */
  stack_traces = new StackTrace({ maxEntries: 1024 });
  /** BPF_PERCPU_HASH(name, u64, u64, 10240) */
  percpu_hash = new PerCpuHash<u64, u64>({ maxEntries: 10240 });
  /** BPF_PERCPU_ARRAY(counts, u64, 32) */
  percpu_array = new PerCpuArray<u64>({ maxEntries: 32 });
  /** BPF_LPM_TRIE(name, u64, u64, 10240): an 8-byte key, a prefix length and 32 bits of data. */
  lpm = new LpmTrie<LpmKey, u64>({ maxEntries: 10240 });
  /** BPF_PROG_ARRAY(prog_array, 10) */
  prog_array = new ProgArray({ maxEntries: 10 });
  /** BPF_DEVMAP(devmap, 10) */
  devmap = new DevMap({ maxEntries: 10 });
  /** BPF_CPUMAP(cpumap, 16) */
  cpumap = new CpuMap({ maxEntries: 16 });
  /** BPF_XSKMAP(xsks_map, 8) */
  xsks_map = new XskMap({ maxEntries: 8 });
  /** BPF_TABLE("hash", int, int, ex1, 1024) and ex2 */
  ex1 = new HashMap<i32, i32>({ maxEntries: 1024 });
  ex2 = new HashMap<i32, i32>({ maxEntries: 1024 });
  /** BPF_ARRAY_OF_MAPS(maps_array, "ex1", 10) */
  maps_array = new ArrayOfMaps<HashMap<i32, i32>>({ maxEntries: 10, inner: new HashMap<i32, i32>({ maxEntries: 1024 }) });
  /** BPF_ARRAY(ex3, int, 1024), and BPF_HASH_OF_MAPS(maps_hash, struct custom_key, "ex3", 10) */
  ex3 = new ArrayMap<i32>({ maxEntries: 1024 });
  maps_hash = new HashOfMaps<custom_key, ArrayMap<i32>>({ maxEntries: 10, inner: new ArrayMap<i32>({ maxEntries: 1024 }) });
  /** BPF_STACK(stack, struct event, 10240) and BPF_QUEUE(queue, struct event, 10240) */
  stack = new Stack<event>({ maxEntries: 10240 });
  queue = new Queue<event>({ maxEntries: 10240 });
  /** BPF_SOCKMAP(sk_map2, 10) */
  sk_map2 = new SockMap({ maxEntries: 10 });

  /** What the operations returned, for user space. */
  insert_status: i64 = 0n;
  lpm_value: u64 = 0n;
  stack_id: i64 = 0n;
  popped_from_stack: u32 = 0;
  peeked_in_stack: u32 = 0;
  popped_from_queue: u32 = 0;
  peeked_in_queue: u32 = 0;

  @uprobe("c", "getpid")
  operations(ctx: PtRegs): i32 {
    const id = bpf.getCurrentPidTgid();
    if (u32(id >> 32n) !== this.target_tgid) return 0;
    const key = u32(id);
    // update, lookup (a pointer into the map, written in place), insert, delete
    this.table.update(key, 1n);
    const val = this.table.lookup(key);
    if (val !== null) val.value += 10n;
    this.map.update(u64(key), 7n, UpdateFlags.NoExist); // data.insert(&key, &value)
    this.insert_status = this.map.update(u64(key), 8n, UpdateFlags.NoExist); // a second insert fails
    this.map.update(99n, 1n);
    this.map.delete(99n);
    // increment, the histogram
    this.counts.increment(3);
    this.dists.increment(bpf.log2l(100n) + 1); // bcc's bpf_log2l(100): 7
    // lookup_or_try_init
    const zero: u64 = 0n;
    const count = this.percpu_hash.lookupOrInit(u64(key), zero);
    if (count !== null) count.value += 1n;
    this.percpu_array.increment(0);
    // the longest prefix (user space stored the prefixes)
    const hit = this.lpm.lookup({ prefixLen: 32, data: 0x0302010a }); // 10.1.2.3
    if (hit !== null) this.lpm_value = hit.value;
    // get_stackid(ctx, BPF_F_USER_STACK)
    this.stack_id = this.stack_traces.getStackId(ctx, StackFlags.UserStack);
    // push (BPF_EXIST: when full, the oldest goes), pop, peek
    this.stack.push({ pid: key, seq: 1 }, UpdateFlags.Exist);
    this.stack.push({ pid: key, seq: 2 }, UpdateFlags.Exist);
    const s = this.stack.pop();
    if (s !== null) this.popped_from_stack = s.seq;
    const sp = this.stack.peek();
    if (sp !== null) this.peeked_in_stack = sp.seq;
    this.queue.push({ pid: key, seq: 1 }, UpdateFlags.Exist);
    this.queue.push({ pid: key, seq: 2 }, UpdateFlags.Exist);
    const q = this.queue.pop();
    if (q !== null) this.popped_from_queue = q.seq;
    const qp = this.queue.peek();
    if (qp !== null) this.peeked_in_queue = qp.seq;
    // maps of maps: through the map user space put at index 0 / key { id: 1 }
    this.maps_array.at(0).update(i32(key), 42);
    this.maps_hash.at({ id: 1 }).update(5, 43);
    return 0;
  }

  /** The guide's `call` example: the program the tail call jumps to (set into prog_array[2]). */
  @uprobe()
  tail_call(ctx: PtRegs): i32 {
    bpf.printk("Tail-call");
    return 0;
  }

  @uprobe("c", "getpid")
  do_tail_call(ctx: PtRegs): i32 {
    if (u32(bpf.getCurrentPidTgid() >> 32n) !== this.target_tgid) return 0;
    bpf.printk("Original program");
    this.prog_array.tailCall(ctx, 2);
    return 0;
  }

  /** The guide's redirect_map example: to the device user space put at devmap[0]. */
  @xdp
  redirect_example(ctx: XdpContext): i32 {
    return i32(this.devmap.redirect(0, 0n));
  }

  @xdp
  xdp_dummy(ctx: XdpContext): i32 {
    return XDP_PASS;
  }
}
