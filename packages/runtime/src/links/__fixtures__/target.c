// A user-space target for uprobe and USDT tests: waits for a line on stdin, then calls
// tsbpf_target_add (and getppid, from libc) `count` times, firing the USDT probe tsbpf:step
// with (i, sum) each time, and prints the sum.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

// A USDT probe written out as <sys/sdt.h> writes it (that header is not installed here): a nop
// at the probe site, a .note.stapsdt note naming it and its argument locations, and the
// .stapsdt.base anchor that lets tools correct for prelinking.
#define TSBPF_USDT2(provider, name, a, b)                                                   \
  __asm__ __volatile__("990: nop\n"                                                         \
                       ".pushsection .note.stapsdt,\"?\",\"note\"\n"                        \
                       ".balign 4\n"                                                        \
                       ".4byte 992f-991f, 994f-993f, 3\n"                                   \
                       "991: .asciz \"stapsdt\"\n"                                          \
                       "992: .balign 4\n"                                                   \
                       "993: .8byte 990b\n"                                                 \
                       ".8byte _.stapsdt.base\n"                                            \
                       ".8byte 0\n"                                                         \
                       ".asciz \"" #provider "\"\n"                                         \
                       ".asciz \"" #name "\"\n"                                             \
                       ".asciz \"-4@%0 -8@%1\"\n"                                          \
                       "994: .balign 4\n"                                                   \
                       ".popsection\n"                                                      \
                       ".ifndef _.stapsdt.base\n"                                           \
                       ".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
                       ".weak _.stapsdt.base\n"                                             \
                       ".hidden _.stapsdt.base\n"                                           \
                       "_.stapsdt.base: .space 1\n"                                         \
                       ".size _.stapsdt.base, 1\n"                                          \
                       ".popsection\n"                                                      \
                       ".endif\n" ::"nor"(a), "nor"(b))

__attribute__((noinline)) int tsbpf_target_add(int a, int b) {
  __asm__ __volatile__("");
  return a + b;
}

__attribute__((noinline)) int tsbpf_target_twice(int a) {
  __asm__ __volatile__("");
  return 2 * a;
}

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 1;
  char line[16];
  if (!fgets(line, sizeof line, stdin)) return 1;
  long sum = 0;
  for (int i = 0; i < count; i++) {
    sum += tsbpf_target_add(i, 1);
    sum += tsbpf_target_twice(i) - 2 * i;
    getppid();
    TSBPF_USDT2(tsbpf, step, i, sum);
  }
  printf("%ld\n", sum);
  return 0;
}
