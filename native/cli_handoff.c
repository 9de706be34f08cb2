// The receiving end of the warm CLI's hand-off (src/cli-host/): a launcher (cli_launcher.c)
// connects to berthd's CLI socket and sends, in one stream, its request and its standard
// descriptors (SCM_RIGHTS). Node cannot read ancillary data, so the worker reads the request here:
// cliHandoffReceive(fd, timeoutMs) → { pid, uid, gid, groups: number[], data: Buffer, fds: number[] }:
// the peer's credentials as the kernel saw them at connect (SO_PEERCRED, SO_PEERGROUPS: its own
// supplementary groups, not what /etc/group says today).
// Synchronous on purpose: the launcher writes everything right after connecting, and the worker
// has nothing else to do until it has read it.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <node_api.h>

#define CHECK(call) do { if ((call) != napi_ok) return NULL; } while (0)
#define MAX_FDS 8
// "BRTH" then the body's length (u32, host order), then the body.
#define HEADER 8
#define MAX_BODY (4u << 20)

static napi_value fail(napi_env env, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "cli hand-off: %s: %s", what, err ? strerror(err) : "protocol error");
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static void close_all(int *fds, int n) {
  for (int i = 0; i < n; i++) close(fds[i]);
}

/** The peer's supplementary groups (SO_PEERGROUPS), malloc'd; NULL with errno set on failure. */
static gid_t *peer_groups(int fd, size_t *n) {
  // Room for most users' groups first; ERANGE says how much a longer list needs.
  socklen_t len = 64 * sizeof(gid_t);
  for (int attempt = 0; attempt < 2; attempt++) {
    gid_t *groups = malloc(len ? len : 1);
    if (groups == NULL) return NULL;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
      *n = len / sizeof(gid_t);
      return groups;
    }
    int err = errno;
    free(groups);
    errno = err;
    if (err != ERANGE) return NULL;
  }
  return NULL;
}

static napi_value js_receive(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd, timeout_ms;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) return fail(env, "usage", 0);
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  CHECK(napi_get_value_int32(env, argv[1], &timeout_ms));

  struct ucred cred;
  socklen_t clen = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) return fail(env, "SO_PEERCRED", errno);

  int fds[MAX_FDS];
  int nfds = 0;
  uint8_t header[HEADER];
  uint8_t *body = NULL;
  size_t want = HEADER, got = 0;
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int pr = poll(&p, 1, timeout_ms);
    if (pr == 0) { close_all(fds, nfds); free(body); return fail(env, "timed out", ETIMEDOUT); }
    if (pr < 0) { if (errno == EINTR) continue; close_all(fds, nfds); free(body); return fail(env, "poll", errno); }
    uint8_t *dst = got < HEADER ? header + got : body + (got - HEADER);
    size_t room = got < HEADER ? HEADER - got : want - got;
    struct iovec iov = {.iov_base = dst, .iov_len = room};
    union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int) * MAX_FDS)]; } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      close_all(fds, nfds); free(body); return fail(env, "recvmsg", errno);
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      int *in = (int *)CMSG_DATA(c);
      for (int i = 0; i < k; i++) {
        if (nfds < MAX_FDS) fds[nfds++] = in[i];
        else close(in[i]);
      }
    }
    if (n == 0) { close_all(fds, nfds); free(body); return fail(env, "peer closed early", 0); }
    got += (size_t)n;
    if (got == HEADER && body == NULL) {
      uint32_t len;
      memcpy(&len, header + 4, 4);
      if (memcmp(header, "BRTH", 4) != 0 || len > MAX_BODY) { close_all(fds, nfds); return fail(env, "bad header", 0); }
      want = HEADER + len;
      body = malloc(len ? len : 1);
      if (body == NULL) { close_all(fds, nfds); return fail(env, "malloc", ENOMEM); }
    }
    if (body != NULL && got == want) break;
  }

  size_t ngroups = 0;
  gid_t *groups = peer_groups(fd, &ngroups);
  if (groups == NULL) { int err = errno; close_all(fds, nfds); free(body); return fail(env, "SO_PEERGROUPS", err); }

  napi_value result, v, arr, buf;
  void *data;
  size_t len = want - HEADER;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_int32(env, cred.pid, &v));
  CHECK(napi_set_named_property(env, result, "pid", v));
  CHECK(napi_create_uint32(env, cred.uid, &v));
  CHECK(napi_set_named_property(env, result, "uid", v));
  CHECK(napi_create_uint32(env, cred.gid, &v));
  CHECK(napi_set_named_property(env, result, "gid", v));
  CHECK(napi_create_array_with_length(env, ngroups, &arr));
  for (size_t i = 0; i < ngroups; i++) {
    CHECK(napi_create_uint32(env, groups[i], &v));
    CHECK(napi_set_element(env, arr, (uint32_t)i, v));
  }
  free(groups);
  CHECK(napi_set_named_property(env, result, "groups", arr));
  CHECK(napi_create_buffer_copy(env, len, body, &data, &buf));
  free(body);
  CHECK(napi_set_named_property(env, result, "data", buf));
  CHECK(napi_create_array_with_length(env, nfds, &arr));
  for (int i = 0; i < nfds; i++) {
    CHECK(napi_create_int32(env, fds[i], &v));
    CHECK(napi_set_element(env, arr, i, v));
  }
  CHECK(napi_set_named_property(env, result, "fds", arr));
  return result;
}

// cliHandoffDup(fd) → a new descriptor for the same file (close-on-exec): each stream the worker
// makes owns its own copy and closes it, and the worker closes the received ones itself.
static napi_value js_dup(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], v;
  int32_t fd;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return fail(env, "usage", 0);
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (d < 0) return fail(env, "dup", errno);
  CHECK(napi_create_int32(env, d, &v));
  return v;
}

napi_value cli_handoff_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"cliHandoffReceive", NULL, js_receive, NULL, NULL, NULL, napi_enumerable, NULL},
    {"cliHandoffDup", NULL, js_dup, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}
