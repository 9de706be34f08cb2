// The few Linux system calls berth's storage layer needs and Node does not offer: mount(2),
// umount2(2), mknod(2) (whiteouts, fifos, devices) and the l*xattr(2) family (overlay's opaque
// marker, file capabilities). Each function returns 0 or a positive errno, or data; the JS side
// (src/snapshot/syscalls.ts) turns errno values into Node-style errors. Synchronous on purpose:
// every call is a single short syscall.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <node_api.h>

#define CHECK(call) do { if ((call) != napi_ok) return NULL; } while (0)

// Copies a JS string argument into a fresh heap buffer (NULL for null/undefined when allowed).
static int get_string(napi_env env, napi_value v, char **out, int nullable) {
  napi_valuetype t;
  size_t len;
  *out = NULL;
  if (napi_typeof(env, v, &t) != napi_ok) return -1;
  if (t == napi_null || t == napi_undefined) {
    if (nullable) return 0;
    napi_throw_type_error(env, NULL, "string expected");
    return -1;
  }
  if (t != napi_string) {
    napi_throw_type_error(env, NULL, "string expected");
    return -1;
  }
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return -1;
  *out = malloc(len + 1);
  if (*out == NULL) {
    napi_throw_error(env, NULL, "out of memory");
    return -1;
  }
  if (napi_get_value_string_utf8(env, v, *out, len + 1, &len) != napi_ok) {
    free(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

static napi_value make_int(napi_env env, int64_t n) {
  napi_value v;
  CHECK(napi_create_int64(env, n, &v));
  return v;
}

static napi_value result_errno(napi_env env, int rc) {
  return make_int(env, rc == 0 ? 0 : errno);
}

// mount(source|null, target, fstype|null, flags, data|null, cwd|null) → errno
// With cwd, the call runs with that working directory so long option strings can use short
// relative paths (overlay's options must fit in one page); the old directory is restored before
// returning, and no JS runs in between.
static napi_value js_mount(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  char *source = NULL, *target = NULL, *fstype = NULL, *data = NULL, *cwd = NULL;
  uint32_t flags = 0;
  int rc = 0, err = 0, oldcwd = -1;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 6) {
    napi_throw_type_error(env, NULL, "mount: 6 arguments expected");
    return NULL;
  }
  if (get_string(env, argv[0], &source, 1) || get_string(env, argv[1], &target, 0) ||
      get_string(env, argv[2], &fstype, 1) || napi_get_value_uint32(env, argv[3], &flags) != napi_ok ||
      get_string(env, argv[4], &data, 1) || get_string(env, argv[5], &cwd, 1)) {
    free(source); free(target); free(fstype); free(data); free(cwd);
    return NULL;
  }
  if (cwd != NULL) {
    oldcwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (oldcwd < 0 || chdir(cwd) != 0) err = errno;
  }
  if (err == 0) {
    rc = mount(source, target, fstype, flags, data);
    if (rc != 0) err = errno;
  }
  if (oldcwd >= 0) {
    if (fchdir(oldcwd) != 0 && err == 0) err = errno;
    close(oldcwd);
  }
  free(source); free(target); free(fstype); free(data); free(cwd);
  return make_int(env, err);
}

// umount2(target, flags) → errno
static napi_value js_umount2(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char *target = NULL;
  int32_t flags = 0;
  int rc;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || get_string(env, argv[0], &target, 0)) return NULL;
  if (napi_get_value_int32(env, argv[1], &flags) != napi_ok) { free(target); return NULL; }
  rc = umount2(target, flags);
  napi_value r = result_errno(env, rc);
  free(target);
  return r;
}

// mknod(path, mode, major, minor) → errno. mode includes the file type bits (S_IFCHR, S_IFIFO, …).
static napi_value js_mknod(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  char *path = NULL;
  uint32_t mode = 0, major_ = 0, minor_ = 0;
  int rc;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4 || get_string(env, argv[0], &path, 0)) return NULL;
  if (napi_get_value_uint32(env, argv[1], &mode) != napi_ok || napi_get_value_uint32(env, argv[2], &major_) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &minor_) != napi_ok) {
    free(path);
    return NULL;
  }
  rc = mknod(path, (mode_t)mode, makedev(major_, minor_));
  napi_value r = result_errno(env, rc);
  free(path);
  return r;
}

// lsetxattr(path, name, value: Uint8Array, flags) → errno
static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  char *path = NULL, *name = NULL;
  void *data = NULL;
  size_t len = 0;
  int32_t flags = 0;
  int rc;
  napi_typedarray_type tt;
  napi_value ab;
  size_t off;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4 || get_string(env, argv[0], &path, 0)) return NULL;
  if (get_string(env, argv[1], &name, 0)) { free(path); return NULL; }
  if (napi_get_typedarray_info(env, argv[2], &tt, &len, &data, &ab, &off) != napi_ok ||
      napi_get_value_int32(env, argv[3], &flags) != napi_ok) {
    free(path); free(name);
    return NULL;
  }
  rc = lsetxattr(path, name, data, len, flags);
  napi_value r = result_errno(env, rc);
  free(path); free(name);
  return r;
}

// lgetxattr(path, name) → Buffer, or a number (errno; ENODATA when the attribute is absent)
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char *path = NULL, *name = NULL;
  char stackbuf[256];
  napi_value r = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || get_string(env, argv[0], &path, 0)) return NULL;
  if (get_string(env, argv[1], &name, 0)) { free(path); return NULL; }
  ssize_t n = lgetxattr(path, name, stackbuf, sizeof stackbuf);
  if (n < 0 && errno == ERANGE) {
    ssize_t want = lgetxattr(path, name, NULL, 0);
    if (want >= 0) {
      char *heap = malloc(want > 0 ? (size_t)want : 1);
      if (heap == NULL) {
        n = -1;
        errno = ENOMEM;
      } else {
        n = lgetxattr(path, name, heap, want);
        if (n >= 0) napi_create_buffer_copy(env, (size_t)n, heap, NULL, &r);
        free(heap);
      }
    } else {
      n = -1;
    }
    if (r == NULL) r = make_int(env, errno);
  } else if (n < 0) {
    r = make_int(env, errno);
  } else {
    napi_create_buffer_copy(env, (size_t)n, stackbuf, NULL, &r);
  }
  free(path); free(name);
  return r;
}

// llistxattr(path) → string[] or a number (errno)
static napi_value js_llistxattr(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char *path = NULL;
  char stackbuf[1024];
  char *buf = stackbuf;
  napi_value arr = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || get_string(env, argv[0], &path, 0)) return NULL;
  ssize_t n = llistxattr(path, buf, sizeof stackbuf);
  if (n < 0 && errno == ERANGE) {
    ssize_t want = llistxattr(path, NULL, 0);
    if (want > 0 && (buf = malloc((size_t)want)) != NULL) n = llistxattr(path, buf, want);
    else { buf = stackbuf; n = -1; }
  }
  if (n < 0) {
    arr = make_int(env, errno);
  } else {
    uint32_t i = 0;
    napi_create_array(env, &arr);
    for (ssize_t p = 0; p < n;) {
      size_t l = strnlen(buf + p, (size_t)(n - p));
      napi_value s;
      napi_create_string_utf8(env, buf + p, l, &s);
      napi_set_element(env, arr, i++, s);
      p += (ssize_t)l + 1;
    }
  }
  if (buf != stackbuf) free(buf);
  free(path);
  return arr;
}

napi_value splice_relay_init(napi_env env, napi_value exports);  // splice_relay.c
napi_value sha256_async_init(napi_env env, napi_value exports);  // sha256_async.c
napi_value cli_handoff_init(napi_env env, napi_value exports);   // cli_handoff.c

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"mount", NULL, js_mount, NULL, NULL, NULL, napi_enumerable, NULL},
    {"umount2", NULL, js_umount2, NULL, NULL, NULL, napi_enumerable, NULL},
    {"mknod", NULL, js_mknod, NULL, NULL, NULL, napi_enumerable, NULL},
    {"lsetxattr", NULL, js_lsetxattr, NULL, NULL, NULL, napi_enumerable, NULL},
    {"lgetxattr", NULL, js_lgetxattr, NULL, NULL, NULL, napi_enumerable, NULL},
    {"llistxattr", NULL, js_llistxattr, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  if (splice_relay_init(env, exports) == NULL) return NULL;
  if (sha256_async_init(env, exports) == NULL) return NULL;
  return cli_handoff_init(env, exports);
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
