// The seed examples' tests' actor: a process that names itself (prctl PR_SET_NAME, so a probe's
// comm-keyed map has a key no other process shares), then makes exactly the system calls and libc
// calls it is told to, one command after another, printing one line per command with what the call
// returned. The tests compare what the probes report with these lines.
//   actor <comm> <command> [args]... [-- <command> [args]...]...
// Commands: open PATH | openat PATH | read PATH N | nanosleep NS | nanosleeps N | getrandom N | http-request URL | kill PID SIG | tkill TID SIG |
//           unlink PATH | strlen STRING | strlen-offset | getpid | wait (one line from stdin)
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* node's USDT probe node:http__server__request(req, conn, remote, port, method, url, fd), written
 * out as <sys/sdt.h> writes it (not installed here; as the runtime's uprobe target does): a nop at
 * the probe site and a .note.stapsdt note with the argument locations. */
#define ACTOR_HTTP_REQUEST(req, conn, remote, port, method, url, fd)                         \
  __asm__ __volatile__("990: nop\n"                                                          \
                       ".pushsection .note.stapsdt,\"?\",\"note\"\n"                         \
                       ".balign 4\n"                                                         \
                       ".4byte 992f-991f, 994f-993f, 3\n"                                    \
                       "991: .asciz \"stapsdt\"\n"                                           \
                       "992: .balign 4\n"                                                    \
                       "993: .8byte 990b\n"                                                  \
                       ".8byte _.stapsdt.base\n"                                             \
                       ".8byte 0\n"                                                          \
                       ".asciz \"node\"\n"                                                   \
                       ".asciz \"http__server__request\"\n"                                  \
                       ".asciz \"8@%0 8@%1 8@%2 -4@%3 8@%4 8@%5 -4@%6\"\n"                   \
                       "994: .balign 4\n"                                                    \
                       ".popsection\n"                                                       \
                       ".ifndef _.stapsdt.base\n"                                            \
                       ".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
                       ".weak _.stapsdt.base\n"                                              \
                       ".hidden _.stapsdt.base\n"                                            \
                       "_.stapsdt.base: .space 1\n"                                          \
                       ".size _.stapsdt.base, 1\n"                                           \
                       ".popsection\n"                                                       \
                       ".endif\n" ::"r"(req), "r"(conn), "r"(remote), "r"(port), "r"(method), "r"(url), "r"(fd))

/* Called through a volatile pointer: the compiler may not fold or inline strlen of a literal. */
static size_t (*volatile strlen_call)(const char *) = strlen;

static long result(long r) { return r < 0 ? -errno : r; }

/* The file offset of libc's strlen implementation (strlen is an IFUNC: the symbol is its resolver). */
static void strlen_offset(void) {
  void *impl = dlsym(RTLD_DEFAULT, "strlen");
  Dl_info info;
  if (!impl || !dladdr(impl, &info)) { printf("strlen-offset error\n"); return; }
  /* The mapping's load bias plus the ELF's vaddr: with libc's first PT_LOAD at offset 0, the
   * address minus the base is the file offset of a text symbol only when vaddr == offset for
   * the text segment, which dl_iterate_phdr lets us compute exactly. */
  struct link_map *map = NULL;
  dlinfo(dlopen(info.dli_fname, RTLD_NOLOAD | RTLD_LAZY), RTLD_DI_LINKMAP, &map);
  uintptr_t vaddr = (uintptr_t)impl - map->l_addr;
  /* Find the PT_LOAD holding vaddr in the file's program headers. */
  ElfW(Ehdr) *eh = (ElfW(Ehdr) *)info.dli_fbase;
  ElfW(Phdr) *ph = (ElfW(Phdr) *)((char *)eh + eh->e_phoff);
  for (int i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_type == PT_LOAD && vaddr >= ph[i].p_vaddr && vaddr < ph[i].p_vaddr + ph[i].p_memsz) {
      printf("strlen-offset %s %lu\n", info.dli_fname, (unsigned long)(vaddr - ph[i].p_vaddr + ph[i].p_offset));
      return;
    }
  }
  printf("strlen-offset error\n");
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  prctl(PR_SET_NAME, argv[1], 0, 0, 0);
  for (int i = 2; i < argc;) {
    const char *cmd = argv[i];
    if (!strcmp(cmd, "--")) { i++; continue; }
    if (!strcmp(cmd, "open")) {
      long fd = result(syscall(SYS_open, argv[i + 1], O_RDONLY));
      if (fd >= 0) close(fd);
      printf("open %s %ld\n", argv[i + 1], fd);
      i += 2;
    } else if (!strcmp(cmd, "openat")) {
      long fd = result(syscall(SYS_openat, AT_FDCWD, argv[i + 1], O_RDONLY));
      if (fd >= 0) close(fd);
      printf("openat %s %ld\n", argv[i + 1], fd);
      i += 2;
    } else if (!strcmp(cmd, "read")) {
      int fd = open(argv[i + 1], O_RDONLY);
      size_t n = strtoul(argv[i + 2], NULL, 10);
      char *buf = malloc(n + 1);
      long got = result(syscall(SYS_read, fd, buf, n));
      close(fd);
      free(buf);
      printf("read %ld\n", got);
      i += 3;
    } else if (!strcmp(cmd, "nanosleep")) {
      long ns = strtol(argv[i + 1], NULL, 10);
      struct timespec ts = { ns / 1000000000L, ns % 1000000000L };
      printf("nanosleep %ld\n", result(syscall(SYS_nanosleep, &ts, NULL)));
      i += 2;
    } else if (!strcmp(cmd, "nanosleeps")) {
      /* N nanosleeps of 1 µs, one result line for all of them. */
      long n = strtol(argv[i + 1], NULL, 10), failed = 0;
      struct timespec ts = { 0, 1000 };
      for (long k = 0; k < n; k++) failed += syscall(SYS_nanosleep, &ts, NULL) != 0;
      printf("nanosleeps %ld %ld\n", n, failed);
      i += 2;
    } else if (!strcmp(cmd, "http-request")) {
      /* Fires node:http__server__request with the URL as its sixth argument. */
      long req = 1, conn = 2;
      int port = 8080, fd = 7;
      const char *remote = "127.0.0.1", *method = "GET", *url = argv[i + 1];
      ACTOR_HTTP_REQUEST(req, conn, remote, port, method, url, fd);
      printf("http-request %s\n", url);
      i += 2;
    } else if (!strcmp(cmd, "getrandom")) {
      char buf[256];
      printf("getrandom %ld\n", result(syscall(SYS_getrandom, buf, strtoul(argv[i + 1], NULL, 10) % sizeof buf, 0)));
      i += 2;
    } else if (!strcmp(cmd, "kill")) {
      printf("kill %ld\n", result(syscall(SYS_kill, atoi(argv[i + 1]), atoi(argv[i + 2]))));
      i += 3;
    } else if (!strcmp(cmd, "tkill")) {
      printf("tkill %ld\n", result(syscall(SYS_tkill, atoi(argv[i + 1]), atoi(argv[i + 2]))));
      i += 3;
    } else if (!strcmp(cmd, "unlink")) {
      printf("unlink %ld\n", result(syscall(SYS_unlink, argv[i + 1])));
      i += 2;
    } else if (!strcmp(cmd, "strlen")) {
      printf("strlen %zu\n", strlen_call(argv[i + 1]));
      i += 2;
    } else if (!strcmp(cmd, "strlen-offset")) {
      strlen_offset();
      i += 1;
    } else if (!strcmp(cmd, "getpid")) {
      printf("getpid %ld\n", (long)getpid());
      i += 1;
    } else if (!strcmp(cmd, "wait")) {
      char line[64];
      fflush(stdout);
      if (!fgets(line, sizeof line, stdin)) return 3;
      i += 1;
    } else {
      fprintf(stderr, "actor: unknown command %s\n", cmd);
      return 2;
    }
    fflush(stdout);
  }
  return 0;
}
