// A libbpf USDT program (the argument specs read through <bpf/usdt.bpf.h>): sums the probe's
// first argument, keeps the last second argument and bpf_usdt_cookie().
#include <stdbool.h>
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>

long calls = 0;
long first_sum = 0;
long last_second = 0;
long cookie = 0;
long arg_count = 0;

SEC("usdt")
int BPF_USDT(on_step, int i, long sum) {
  __sync_fetch_and_add(&calls, 1);
  __sync_fetch_and_add(&first_sum, i);
  last_second = sum;
  cookie = bpf_usdt_cookie(ctx);
  arg_count = bpf_usdt_arg_cnt(ctx);
  return 0;
}

char LICENSE[] SEC("license") = "GPL";
