// libbpf's perf buffer consumer for bench/events.bench.mjs (ref-c's bpfrun reads only ring
// buffers): opens OBJ, sets .rodata targ_pid to a gated workload's pid, loads, attaches every
// program, reads the "perf" map with perf_buffer__poll (epoll) or perf_buffer__consume (busy)
// until the workload exits, drains, and prints one JSON line like bench/events/consumer.mjs.
//   perfrun OBJ PAGES epoll|busy WL N
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long events, lost;

static void on_sample(void *ctx, int cpu, void *data, __u32 size) {
	(void)ctx; (void)cpu; (void)data;
	events += size > 0;
}

static void on_lost(void *ctx, int cpu, __u64 n) {
	(void)ctx; (void)cpu;
	lost += n;
}

static double now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Writes a u32 into the .rodata variable `name` before load (via the object's BTF datasec). */
static int set_rodata_u32(struct bpf_object *obj, const char *name, __u32 value) {
	struct btf *btf = bpf_object__btf(obj);
	for (int id = 1; btf && id < (int)btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		if (!btf_is_datasec(t) || strcmp(btf__name_by_offset(btf, t->name_off), ".rodata")) continue;
		const struct btf_var_secinfo *vs = btf_var_secinfos(t);
		for (int i = 0; i < btf_vlen(t); i++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);
			if (strcmp(btf__name_by_offset(btf, v->name_off), name)) continue;
			size_t size;
			char *data = (char *)bpf_map__initial_value(bpf_object__find_map_by_name(obj, ".rodata"), &size);
			if (!data || vs->offset + 4 > size) return -1;
			memcpy(data + vs->offset, &value, 4);
			return 0;
		}
	}
	return -1;
}

int main(int argc, char **argv) {
	if (argc < 6) {
		fprintf(stderr, "usage: perfrun OBJ PAGES epoll|busy WL N\n");
		return 2;
	}
	int busy = !strcmp(argv[3], "busy");
	int gate[2];
	if (pipe(gate)) return 1;
	pid_t child = fork();
	if (child == 0) {
		char go;
		close(gate[1]);
		if (read(gate[0], &go, 1) != 1) _exit(126);
		execl(argv[4], argv[4], "getpid", argv[5], (char *)NULL);
		_exit(127);
	}
	close(gate[0]);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || set_rodata_u32(obj, "targ_pid", (__u32)child) || bpf_object__load(obj)) {
		fprintf(stderr, "perfrun: cannot open, configure or load %s\n", argv[1]);
		kill(child, SIGKILL);
		return 1;
	}
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__attach(prog)) {
			fprintf(stderr, "perfrun: cannot attach %s\n", bpf_program__name(prog));
			kill(child, SIGKILL);
			return 1;
		}
	}
	struct perf_buffer *pb = perf_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "perf")), atoi(argv[2]),
						  on_sample, on_lost, NULL, NULL);
	if (!pb) {
		fprintf(stderr, "perfrun: perf_buffer__new failed\n");
		kill(child, SIGKILL);
		return 1;
	}
	double start = now_ms();
	if (write(gate[1], "g", 1) != 1) return 1;
	close(gate[1]);
	int status;
	for (;;) {
		if (busy)
			for (int spin = 0; spin < 1000; spin++) perf_buffer__consume(pb);
		else
			perf_buffer__poll(pb, 50);
		if (waitpid(child, &status, WNOHANG) == child) break;
	}
	double wall = now_ms() - start;
	perf_buffer__consume(pb);
	printf("{\"events\":%llu,\"lost\":%llu,\"failed\":null,\"wallMs\":%.3f,\"eventsPerS\":%.0f}\n", events, lost, wall,
	       events / (wall / 1e3));
	perf_buffer__free(pb);
	bpf_object__close(obj);
	return 0;
}
