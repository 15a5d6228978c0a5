/*
 * The aggregation tests' source of known events: waits for a line on stdin, then for each
 * argument "name:fd:size:times" renames its thread to `name` (its comm), and makes `times`
 * write(2) calls of `size` bytes to descriptor `fd` (a dup of /dev/null). Nothing else it does
 * writes to descriptors 50 to 59, which the probes under test watch.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static char buffer[1 << 20];

int main(int argc, char **argv) {
  char line[16];
  if (!fgets(line, sizeof line, stdin)) return 2;
  int null = open("/dev/null", O_WRONLY);
  if (null < 0) return 3;
  for (int i = 1; i < argc; i++) {
    char name[17] = {0};
    int fd, size, times;
    if (sscanf(argv[i], "%16[^:]:%d:%d:%d", name, &fd, &size, &times) != 4 || size > (int)sizeof buffer) return 4;
    prctl(PR_SET_NAME, name, 0, 0, 0);
    if (dup2(null, fd) != fd) return 5;
    for (int t = 0; t < times; t++) {
      if (write(fd, buffer, size) != size) return 6;
    }
  }
  return 0;
}
