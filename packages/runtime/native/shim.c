/*
 * tsbpf's only native code: a thin Node-API layer over the raw Linux calls the runtime needs.
 *
 * Everything with a meaning (bpf_attr layouts, perf_event_attr, ring buffer protocol, errors)
 * lives in TypeScript under src/sys; this file only moves bytes and file descriptors across.
 * Every call returns the kernel's answer as-is: a non-negative result, or -errno.
 *
 * Exports:
 *   bpf(cmd, attr: Uint8Array) -> number
 *   addressOf(view: ArrayBufferView) -> bigint
 *   perfEventOpen(attr: Uint8Array, pid, cpu, groupFd, flags) -> fd | -errno
 *   ioctl(fd, request, arg: number|bigint) -> number
 *   open(path, flags, mode?) -> fd | -errno
 *   read(fd, view) -> bytes | -errno
 *   close(fd) -> 0 | -errno
 *   mount(source, target, fstype, flags, data?) -> 0 | -errno
 *   mmap(fd, length, prot, flags, offset) -> ArrayBuffer (external) | -errno
 *   munmap(arrayBuffer) -> 0 | -errno   (detaches the buffer first)
 *   watchReadable(fd, callback(status, events)) -> { close(), ref(), unref() }
 *   strerror(errno) -> string
 *   geteuid() -> number
 *   pageSize() -> number
 *   capabilities() -> bigint (effective capability mask) | -errno
 *   write(fd, view) -> bytes | -errno
 *   socket(domain, type, protocol) -> fd | -errno          (always SOCK_CLOEXEC)
 *   bind(fd, sockaddr: Uint8Array) -> 0 | -errno
 *   setsockopt(fd, level, name, value: Uint8Array) -> 0 | -errno
 *   sendto(fd, data, flags, sockaddr?: Uint8Array) -> bytes | -errno
 *   recv(fd, view, flags) -> bytes | -errno
 *   setns(fd, nstype) -> 0 | -errno                         (the calling thread only)
 *   ifNameToIndex(name) -> ifindex | -errno                 (in the thread's network namespace)
 *   epollCreate() -> fd | -errno
 *   epollCtl(epfd, op, fd, events) -> 0 | -errno            (the event's data is the fd)
 *   epollWait(epfd, fds: Int32Array) -> count | -errno      (never blocks; ready fds written)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <net/if.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uv.h>

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) {                                                                       \
      napi_throw_error(env, NULL, "tsbpf shim: Node-API call failed: " #call);                     \
      return NULL;                                                                                 \
    }                                                                                              \
  } while (0)

static napi_value make_int(napi_env env, int64_t v) {
  napi_value out;
  if (napi_create_int64(env, v, &out) != napi_ok) return NULL;
  return out;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return -1;
  if (argc < want) {
    napi_throw_type_error(env, NULL, "tsbpf shim: too few arguments");
    return -1;
  }
  return 0;
}

static int get_i64(napi_env env, napi_value v, int64_t *out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return -1;
  if (t == napi_bigint) {
    bool lossless;
    return napi_get_value_bigint_int64(env, v, out, &lossless) == napi_ok ? 0 : -1;
  }
  if (t != napi_number) {
    napi_throw_type_error(env, NULL, "tsbpf shim: expected a number or bigint");
    return -1;
  }
  return napi_get_value_int64(env, v, out) == napi_ok ? 0 : -1;
}

/* Data pointer and length of any ArrayBufferView (typed array or DataView). Asking V8 for the
 * buffer moves a small on-heap typed array off the heap, so the pointer stays valid afterwards. */
static int view_data(napi_env env, napi_value v, void **data, size_t *len) {
  bool is;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t count, offset;
    napi_value ab;
    void *base;
    if (napi_get_typedarray_info(env, v, &type, &count, &base, &ab, &offset) != napi_ok) return -1;
    size_t elem = 1;
    switch (type) {
      case napi_int16_array: case napi_uint16_array: elem = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: elem = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: elem = 8; break;
      default: elem = 1;
    }
    *data = base;
    *len = count * elem;
    return 0;
  }
  if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    napi_value ab;
    size_t offset;
    return napi_get_dataview_info(env, v, len, data, &ab, &offset) == napi_ok ? 0 : -1;
  }
  napi_throw_type_error(env, NULL, "tsbpf shim: expected a typed array or DataView");
  return -1;
}

static napi_value js_bpf(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (get_args(env, info, 2, argv)) return NULL;
  int64_t cmd;
  void *attr;
  size_t len;
  if (get_i64(env, argv[0], &cmd) || view_data(env, argv[1], &attr, &len)) return NULL;
  /* The views whose addresses the attr holds are kept alive by the caller's frame. */
  long r = syscall(__NR_bpf, (int)cmd, attr, (unsigned int)len);
  return make_int(env, r < 0 ? -errno : r);
}

static napi_value js_address_of(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv)) return NULL;
  void *data;
  size_t len;
  if (view_data(env, argv[0], &data, &len)) return NULL;
  napi_value out;
  CHECK(napi_create_bigint_uint64(env, (uint64_t)(uintptr_t)data, &out));
  return out;
}

static napi_value js_perf_event_open(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (get_args(env, info, 5, argv)) return NULL;
  void *attr;
  size_t len;
  int64_t pid, cpu, group, flags;
  if (view_data(env, argv[0], &attr, &len) || get_i64(env, argv[1], &pid) ||
      get_i64(env, argv[2], &cpu) || get_i64(env, argv[3], &group) || get_i64(env, argv[4], &flags))
    return NULL;
  long r = syscall(__NR_perf_event_open, attr, (pid_t)pid, (int)cpu, (int)group, (unsigned long)flags);
  return make_int(env, r < 0 ? -errno : r);
}

static napi_value js_ioctl(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (get_args(env, info, 3, argv)) return NULL;
  int64_t fd, req, arg;
  if (get_i64(env, argv[0], &fd) || get_i64(env, argv[1], &req) || get_i64(env, argv[2], &arg)) return NULL;
  int r = ioctl((int)fd, (unsigned long)req, (unsigned long)arg);
  return make_int(env, r < 0 ? -errno : r);
}

/* Copies a JS string argument into a malloc'd C string (NULL with an exception on failure). */
static char *get_string(napi_env env, napi_value v) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "tsbpf shim: expected a string");
    return NULL;
  }
  char *s = malloc(len + 1);
  if (!s) {
    napi_throw_error(env, NULL, "tsbpf shim: out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "tsbpf shim: open(path, flags, mode?)");
    return NULL;
  }
  int64_t flags, mode = 0;
  if (get_i64(env, argv[1], &flags) || (argc > 2 && get_i64(env, argv[2], &mode))) return NULL;
  char *path = get_string(env, argv[0]);
  if (!path) return NULL;
  int fd = open(path, (int)flags | O_CLOEXEC, (mode_t)mode);
  int err = errno;
  free(path);
  return make_int(env, fd < 0 ? -err : fd);
}

static napi_value js_read(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (get_args(env, info, 2, argv)) return NULL;
  int64_t fd;
  void *data;
  size_t len;
  if (get_i64(env, argv[0], &fd) || view_data(env, argv[1], &data, &len)) return NULL;
  ssize_t n = read((int)fd, data, len);
  return make_int(env, n < 0 ? -errno : n);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv)) return NULL;
  int64_t fd;
  if (get_i64(env, argv[0], &fd)) return NULL;
  int r = close((int)fd);
  return make_int(env, r < 0 ? -errno : 0);
}

static napi_value js_mount(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  size_t argc = 5;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) {
    napi_throw_type_error(env, NULL, "tsbpf shim: mount(source, target, fstype, flags, data?)");
    return NULL;
  }
  int64_t flags;
  if (get_i64(env, argv[3], &flags)) return NULL;
  char *source = get_string(env, argv[0]);
  char *target = source ? get_string(env, argv[1]) : NULL;
  char *fstype = target ? get_string(env, argv[2]) : NULL;
  char *data = NULL;
  if (fstype && argc > 4) {
    napi_valuetype t;
    napi_typeof(env, argv[4], &t);
    if (t == napi_string) data = get_string(env, argv[4]);
  }
  int r = -1, err = 0;
  if (fstype) {
    r = mount(source, target, fstype, (unsigned long)flags, data);
    err = errno;
  }
  free(source);
  free(target);
  free(fstype);
  free(data);
  if (!fstype) return NULL; /* an exception is pending */
  return make_int(env, r < 0 ? -err : 0);
}

/* ---- mmap: external ArrayBuffers over shared kernel memory ---- */

/* One mapping. The ArrayBuffer's finaliser and munmap() may each want to unmap it: the first
 * does, under the lock; the finaliser alone frees the record. */
typedef struct mapping {
  void *addr;
  size_t length;
  int unmapped;
  struct mapping *next;
} mapping;

static pthread_mutex_t mappings_lock = PTHREAD_MUTEX_INITIALIZER;
static mapping *mappings = NULL;

static void unlink_mapping(mapping *m) {
  for (mapping **p = &mappings; *p; p = &(*p)->next) {
    if (*p == m) {
      *p = m->next;
      return;
    }
  }
}

static void mapping_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  mapping *m = hint;
  pthread_mutex_lock(&mappings_lock);
  if (!m->unmapped) {
    munmap(m->addr, m->length);
    m->unmapped = 1;
  }
  unlink_mapping(m);
  pthread_mutex_unlock(&mappings_lock);
  free(m);
}

static napi_value js_mmap(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (get_args(env, info, 5, argv)) return NULL;
  int64_t fd, length, prot, flags, offset;
  if (get_i64(env, argv[0], &fd) || get_i64(env, argv[1], &length) || get_i64(env, argv[2], &prot) ||
      get_i64(env, argv[3], &flags) || get_i64(env, argv[4], &offset))
    return NULL;
  if (length <= 0) return make_int(env, -EINVAL);
  void *addr = mmap(NULL, (size_t)length, (int)prot, (int)flags, (int)fd, (off_t)offset);
  if (addr == MAP_FAILED) return make_int(env, -errno);
  mapping *m = calloc(1, sizeof *m);
  if (!m) {
    munmap(addr, (size_t)length);
    napi_throw_error(env, NULL, "tsbpf shim: out of memory");
    return NULL;
  }
  m->addr = addr;
  m->length = (size_t)length;
  napi_value ab;
  if (napi_create_external_arraybuffer(env, addr, (size_t)length, mapping_finalize, m, &ab) != napi_ok) {
    munmap(addr, (size_t)length);
    free(m);
    napi_throw_error(env, NULL, "tsbpf shim: cannot wrap the mapping in an ArrayBuffer");
    return NULL;
  }
  pthread_mutex_lock(&mappings_lock);
  m->next = mappings;
  mappings = m;
  pthread_mutex_unlock(&mappings_lock);
  return ab;
}

static napi_value js_munmap(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv)) return NULL;
  bool is;
  CHECK(napi_is_arraybuffer(env, argv[0], &is));
  if (!is) {
    napi_throw_type_error(env, NULL, "tsbpf shim: munmap expects the ArrayBuffer mmap returned");
    return NULL;
  }
  bool detached;
  CHECK(napi_is_detached_arraybuffer(env, argv[0], &detached));
  if (detached) return make_int(env, 0);
  void *data;
  size_t len;
  CHECK(napi_get_arraybuffer_info(env, argv[0], &data, &len));
  pthread_mutex_lock(&mappings_lock);
  mapping *m = mappings;
  while (m && !(m->addr == data && !m->unmapped)) m = m->next;
  pthread_mutex_unlock(&mappings_lock);
  if (!m) {
    napi_throw_error(env, NULL, "tsbpf shim: munmap of an ArrayBuffer that mmap did not create");
    return NULL;
  }
  /* Detach first: from here on any JS access to the buffer sees length 0 instead of freed memory. */
  CHECK(napi_detach_arraybuffer(env, argv[0]));
  int r = 0;
  pthread_mutex_lock(&mappings_lock);
  if (!m->unmapped) {
    r = munmap(m->addr, m->length);
    m->unmapped = 1;
  }
  pthread_mutex_unlock(&mappings_lock);
  return make_int(env, r < 0 ? -errno : 0);
}

/* ---- watchReadable: uv_poll on the Node event loop ---- */

typedef struct watcher {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context async;
  int closing;
} watcher;

static void watcher_closed(uv_handle_t *handle) {
  free(handle->data);
}

static void watcher_cleanup_hook(void *arg);

/* Stops the poll and releases the JS references; the memory goes when libuv says it is closed. */
static void watcher_close(watcher *w, int from_cleanup_hook) {
  if (w->closing) return;
  w->closing = 1;
  if (!from_cleanup_hook) napi_remove_env_cleanup_hook(w->env, watcher_cleanup_hook, w);
  uv_poll_stop(&w->poll);
  if (w->callback) napi_delete_reference(w->env, w->callback);
  if (w->async) napi_async_destroy(w->env, w->async);
  w->callback = NULL;
  w->async = NULL;
  uv_close((uv_handle_t *)&w->poll, watcher_closed);
}

static void watcher_cleanup_hook(void *arg) {
  watcher_close(arg, 1);
}

static void watcher_event(uv_poll_t *handle, int status, int events) {
  watcher *w = handle->data;
  if (w->closing || !w->callback) return;
  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value fn, recv, argv[2], result;
  if (napi_get_reference_value(env, w->callback, &fn) == napi_ok && fn) {
    /* MakeCallback wants an object receiver (undefined makes Node throw). */
    napi_get_global(env, &recv);
    napi_create_int32(env, status, &argv[0]);
    napi_create_int32(env, events, &argv[1]);
    /* make_callback runs the microtask queue afterwards, so awaiting consumers resume now. */
    if (napi_make_callback(env, w->async, recv, fn, 2, argv, &result) == napi_pending_exception) {
      napi_value exception;
      napi_get_and_clear_last_exception(env, &exception);
      napi_fatal_exception(env, exception);
    }
  }
  napi_close_handle_scope(env, scope);
}

static napi_value watcher_js_close(napi_env env, napi_callback_info info) {
  napi_value self;
  size_t argc = 0;
  CHECK(napi_get_cb_info(env, info, &argc, NULL, &self, NULL));
  watcher *w = NULL;
  /* remove_wrap hands the pointer back exactly once: a second close() is a no-op. */
  if (napi_remove_wrap(env, self, (void **)&w) != napi_ok || !w) {
    napi_value undef;
    napi_get_undefined(env, &undef);
    return undef;
  }
  watcher_close(w, 0);
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

static napi_value watcher_js_ref(napi_env env, napi_callback_info info, int ref) {
  napi_value self;
  size_t argc = 0;
  CHECK(napi_get_cb_info(env, info, &argc, NULL, &self, NULL));
  watcher *w = NULL;
  if (napi_unwrap(env, self, (void **)&w) == napi_ok && w && !w->closing) {
    if (ref) uv_ref((uv_handle_t *)&w->poll);
    else uv_unref((uv_handle_t *)&w->poll);
  }
  napi_value undef;
  napi_get_undefined(env, &undef);
  return undef;
}

static napi_value watcher_js_do_ref(napi_env env, napi_callback_info info) {
  return watcher_js_ref(env, info, 1);
}

static napi_value watcher_js_do_unref(napi_env env, napi_callback_info info) {
  return watcher_js_ref(env, info, 0);
}

/* If the handle object is collected without close(), the watcher keeps running until the env
 * goes away (the cleanup hook closes it): the callback reference keeps its target alive. */
static void watcher_wrap_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  (void)hint;
}

static napi_value js_watch_readable(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (get_args(env, info, 2, argv)) return NULL;
  int64_t fd;
  if (get_i64(env, argv[0], &fd)) return NULL;
  napi_valuetype t;
  CHECK(napi_typeof(env, argv[1], &t));
  if (t != napi_function) {
    napi_throw_type_error(env, NULL, "tsbpf shim: watchReadable(fd, callback)");
    return NULL;
  }
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  watcher *w = calloc(1, sizeof *w);
  if (!w) {
    napi_throw_error(env, NULL, "tsbpf shim: out of memory");
    return NULL;
  }
  w->env = env;
  w->poll.data = w;
  int r = uv_poll_init(loop, &w->poll, (int)fd);
  if (r < 0) {
    free(w);
    return make_int(env, r); /* libuv errors are -errno on Linux */
  }
  napi_value name;
  napi_create_string_utf8(env, "tsbpf:watchReadable", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, argv[1], 1, &w->callback) != napi_ok ||
      napi_async_init(env, NULL, name, &w->async) != napi_ok) {
    watcher_close(w, 1);
    napi_throw_error(env, NULL, "tsbpf shim: cannot set up the watcher");
    return NULL;
  }
  r = uv_poll_start(&w->poll, UV_READABLE, watcher_event);
  if (r < 0) {
    watcher_close(w, 1);
    return make_int(env, r);
  }
  napi_add_env_cleanup_hook(env, watcher_cleanup_hook, w);

  napi_value handle, fn;
  CHECK(napi_create_object(env, &handle));
  CHECK(napi_wrap(env, handle, w, watcher_wrap_finalize, NULL, NULL));
  CHECK(napi_create_function(env, "close", NAPI_AUTO_LENGTH, watcher_js_close, NULL, &fn));
  CHECK(napi_set_named_property(env, handle, "close", fn));
  CHECK(napi_create_function(env, "ref", NAPI_AUTO_LENGTH, watcher_js_do_ref, NULL, &fn));
  CHECK(napi_set_named_property(env, handle, "ref", fn));
  CHECK(napi_create_function(env, "unref", NAPI_AUTO_LENGTH, watcher_js_do_unref, NULL, &fn));
  CHECK(napi_set_named_property(env, handle, "unref", fn));
  return handle;
}

/* ---- small queries ---- */

static napi_value js_strerror(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv)) return NULL;
  int64_t e;
  if (get_i64(env, argv[0], &e)) return NULL;
  char buf[256];
  const char *s = strerror_r((int)(e < 0 ? -e : e), buf, sizeof buf);
  napi_value out;
  CHECK(napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value js_geteuid(napi_env env, napi_callback_info info) {
  (void)info;
  return make_int(env, geteuid());
}

static napi_value js_page_size(napi_env env, napi_callback_info info) {
  (void)info;
  return make_int(env, sysconf(_SC_PAGESIZE));
}

static napi_value js_capabilities(napi_env env, napi_callback_info info) {
  (void)info;
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof data);
  if (syscall(SYS_capget, &header, data) < 0) return make_int(env, -errno);
  uint64_t effective = (uint64_t)data[0].effective | ((uint64_t)data[1].effective << 32);
  napi_value out;
  CHECK(napi_create_bigint_uint64(env, effective, &out));
  return out;
}

/* ---- sockets, namespaces, epoll: plain pass-through ---- */

static napi_value js_write(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (get_args(env, info, 2, argv)) return NULL;
  int64_t fd;
  void *data;
  size_t len;
  if (get_i64(env, argv[0], &fd) || view_data(env, argv[1], &data, &len)) return NULL;
  ssize_t n = write((int)fd, data, len);
  return make_int(env, n < 0 ? -errno : n);
}

static napi_value js_socket(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (get_args(env, info, 3, argv)) return NULL;
  int64_t domain, type, protocol;
  if (get_i64(env, argv[0], &domain) || get_i64(env, argv[1], &type) || get_i64(env, argv[2], &protocol)) return NULL;
  int fd = socket((int)domain, (int)type | SOCK_CLOEXEC, (int)protocol);
  return make_int(env, fd < 0 ? -errno : fd);
}

static napi_value js_bind(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (get_args(env, info, 2, argv)) return NULL;
  int64_t fd;
  void *addr;
  size_t len;
  if (get_i64(env, argv[0], &fd) || view_data(env, argv[1], &addr, &len)) return NULL;
  int r = bind((int)fd, (const struct sockaddr *)addr, (socklen_t)len);
  return make_int(env, r < 0 ? -errno : 0);
}

static napi_value js_setsockopt(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (get_args(env, info, 4, argv)) return NULL;
  int64_t fd, level, name;
  void *value;
  size_t len;
  if (get_i64(env, argv[0], &fd) || get_i64(env, argv[1], &level) || get_i64(env, argv[2], &name) ||
      view_data(env, argv[3], &value, &len))
    return NULL;
  int r = setsockopt((int)fd, (int)level, (int)name, value, (socklen_t)len);
  return make_int(env, r < 0 ? -errno : 0);
}

static napi_value js_sendto(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  size_t argc = 4;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "tsbpf shim: sendto(fd, data, flags, sockaddr?)");
    return NULL;
  }
  int64_t fd, flags;
  void *data, *addr = NULL;
  size_t len, addrlen = 0;
  if (get_i64(env, argv[0], &fd) || view_data(env, argv[1], &data, &len) || get_i64(env, argv[2], &flags)) return NULL;
  if (argc > 3) {
    napi_valuetype t;
    CHECK(napi_typeof(env, argv[3], &t));
    if (t != napi_undefined && view_data(env, argv[3], &addr, &addrlen)) return NULL;
  }
  ssize_t n = sendto((int)fd, data, len, (int)flags, (const struct sockaddr *)addr, (socklen_t)addrlen);
  return make_int(env, n < 0 ? -errno : n);
}

static napi_value js_recv(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (get_args(env, info, 3, argv)) return NULL;
  int64_t fd, flags;
  void *data;
  size_t len;
  if (get_i64(env, argv[0], &fd) || view_data(env, argv[1], &data, &len) || get_i64(env, argv[2], &flags)) return NULL;
  ssize_t n = recv((int)fd, data, len, (int)flags);
  return make_int(env, n < 0 ? -errno : n);
}

static napi_value js_setns(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (get_args(env, info, 2, argv)) return NULL;
  int64_t fd, nstype;
  if (get_i64(env, argv[0], &fd) || get_i64(env, argv[1], &nstype)) return NULL;
  int r = setns((int)fd, (int)nstype);
  return make_int(env, r < 0 ? -errno : 0);
}

static napi_value js_if_name_to_index(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (get_args(env, info, 1, argv)) return NULL;
  char *name = get_string(env, argv[0]);
  if (!name) return NULL;
  unsigned int index = if_nametoindex(name);
  int err = errno;
  free(name);
  return make_int(env, index == 0 ? -(err ? err : ENODEV) : (int64_t)index);
}

static napi_value js_epoll_create(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = epoll_create1(EPOLL_CLOEXEC);
  return make_int(env, fd < 0 ? -errno : fd);
}

static napi_value js_epoll_ctl(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (get_args(env, info, 4, argv)) return NULL;
  int64_t epfd, op, fd, events;
  if (get_i64(env, argv[0], &epfd) || get_i64(env, argv[1], &op) || get_i64(env, argv[2], &fd) || get_i64(env, argv[3], &events))
    return NULL;
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = (uint32_t)events;
  ev.data.fd = (int)fd;
  int r = epoll_ctl((int)epfd, (int)op, (int)fd, &ev);
  return make_int(env, r < 0 ? -errno : 0);
}

static napi_value js_epoll_wait(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (get_args(env, info, 2, argv)) return NULL;
  int64_t epfd;
  void *data;
  size_t len;
  if (get_i64(env, argv[0], &epfd) || view_data(env, argv[1], &data, &len)) return NULL;
  int max = (int)(len / sizeof(int32_t));
  if (max <= 0) return make_int(env, -EINVAL);
  if (max > 256) max = 256;
  struct epoll_event events[256];
  int n = epoll_wait((int)epfd, events, max, 0);
  if (n < 0) return make_int(env, -errno);
  int32_t *out = data;
  for (int i = 0; i < n; i++) out[i] = events[i].data.fd;
  return make_int(env, n);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"bpf", NULL, js_bpf, NULL, NULL, NULL, napi_enumerable, NULL},
      {"addressOf", NULL, js_address_of, NULL, NULL, NULL, napi_enumerable, NULL},
      {"perfEventOpen", NULL, js_perf_event_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ioctl", NULL, js_ioctl, NULL, NULL, NULL, napi_enumerable, NULL},
      {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"read", NULL, js_read, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mount", NULL, js_mount, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mmap", NULL, js_mmap, NULL, NULL, NULL, napi_enumerable, NULL},
      {"munmap", NULL, js_munmap, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watchReadable", NULL, js_watch_readable, NULL, NULL, NULL, napi_enumerable, NULL},
      {"strerror", NULL, js_strerror, NULL, NULL, NULL, napi_enumerable, NULL},
      {"geteuid", NULL, js_geteuid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pageSize", NULL, js_page_size, NULL, NULL, NULL, napi_enumerable, NULL},
      {"capabilities", NULL, js_capabilities, NULL, NULL, NULL, napi_enumerable, NULL},
      {"write", NULL, js_write, NULL, NULL, NULL, napi_enumerable, NULL},
      {"socket", NULL, js_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bind", NULL, js_bind, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setsockopt", NULL, js_setsockopt, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendto", NULL, js_sendto, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recv", NULL, js_recv, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setns", NULL, js_setns, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ifNameToIndex", NULL, js_if_name_to_index, NULL, NULL, NULL, napi_enumerable, NULL},
      {"epollCreate", NULL, js_epoll_create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"epollCtl", NULL, js_epoll_ctl, NULL, NULL, NULL, napi_enumerable, NULL},
      {"epollWait", NULL, js_epoll_wait, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
