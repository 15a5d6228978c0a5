/** Kernel helper ids (enum bpf_func_id) of the map methods. */
export const MapHelper = {
  lookup: 1, // bpf_map_lookup_elem(map, key)
  update: 2, // bpf_map_update_elem(map, key, value, flags)
  delete: 3, // bpf_map_delete_elem(map, key)
  tailCall: 12, // bpf_tail_call(ctx, prog_array, index)
  skbUnderCgroup: 33, // bpf_skb_under_cgroup(skb, cgroup_array, index)
  currentTaskUnderCgroup: 37, // bpf_current_task_under_cgroup(cgroup_array, index)
  perfEventOutput: 25, // bpf_perf_event_output(ctx, map, flags, data, size)
  getStackId: 27, // bpf_get_stackid(ctx, map, flags)
  redirectMap: 51, // bpf_redirect_map(map, key, flags)
  push: 87, // bpf_map_push_elem(map, value, flags)
  pop: 88, // bpf_map_pop_elem(map, value)
  peek: 89, // bpf_map_peek_elem(map, value)
  skStorageGet: 107,
  skStorageDelete: 108,
  ringbufOutput: 130, // bpf_ringbuf_output(ringbuf, data, size, flags)
  ringbufReserve: 131, // bpf_ringbuf_reserve(ringbuf, size, flags)
  ringbufSubmit: 132, // bpf_ringbuf_submit(data, flags)
  ringbufDiscard: 133, // bpf_ringbuf_discard(data, flags)
  inodeStorageGet: 145,
  inodeStorageDelete: 146,
  taskStorageGet: 156,
  taskStorageDelete: 157,
  cgrpStorageGet: 210,
  cgrpStorageDelete: 211,
} as const;

/** -ENOENT: what a method on an empty map-of-maps slot returns. */
export const ENOENT = -2n;
/** BPF_NOEXIST. */
export const NOEXIST = 1n;
/** BPF_F_CURRENT_CPU: perf_event_output's default CPU. */
export const CURRENT_CPU = 0xffffffffn;
