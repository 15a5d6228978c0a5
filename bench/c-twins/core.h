/* Shared by the C twins that read kernel structs: the running kernel's types (vmlinux.h, which the
 * bench generates with `bpftool btf dump file /sys/kernel/btf/vmlinux format c`) and libbpf's
 * CO-RE and tracing macros. The twins without kernel structs include common.h instead. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
