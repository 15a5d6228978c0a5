/*
 * Force-included (gcc -include) when shim.c is compiled against musl. shim.c is written against
 * glibc's GNU strerror_r, which returns the message; musl has only the XSI one, which returns an
 * int. musl's strerror returns pointers to constant strings, so it is thread-safe and serves here.
 */
#define _GNU_SOURCE
#include <string.h>

static inline const char *tsbpf_gnu_strerror_r(int e, char *buf, size_t size) {
  (void)buf;
  (void)size;
  return strerror(e);
}
#define strerror_r(e, buf, size) tsbpf_gnu_strerror_r(e, buf, size)
