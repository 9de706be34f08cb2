// A TCP relay between two connected sockets with splice(2): the bytes go socket → pipe → socket inside
// the kernel and never reach user space, where a read/write relay copies each chunk in and out and
// crosses into JS for every read. Each relay runs on its own small thread (poll + non-blocking
// splice), so a busy berthd event loop does not stall published ports. The thread works on duplicates
// of the caller's descriptors: the JS sockets may be destroyed at any time without the thread ever
// touching a reused descriptor number. Half-close is relayed (EOF on one side, once its bytes are
// flushed, becomes shutdown(SHUT_WR) on the other); the first error ends the relay.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <node_api.h>

// Per direction. Larger pipes measured no faster (bench/network/proxy-ab.ts) and pin more memory per
// connection when a peer stops reading.
#define RELAY_PIPE_SIZE (256 << 10)
// Busy-polling before sleeping (see relay_main): how long, and by how many relays at once.
#define SPIN_NS 100000L
#define MAX_SPINNERS 1
static int spinners;

struct direction {
  int src, dst;
  int pipe[2];
  size_t buffered, capacity;
  int eof, shut;
  uint64_t bytes;
};

struct relay {
  int fds[2];
  int cancel_fd;
  struct direction dir[2];
  int error;
  napi_threadsafe_function done;
  // Freed by whichever of the thread and the JS handle's finalizer lets go last.
  int refs;
  pthread_mutex_t lock;
};

static void relay_unref(struct relay *r) {
  pthread_mutex_lock(&r->lock);
  int left = --r->refs;
  pthread_mutex_unlock(&r->lock);
  if (left) return;
  if (r->cancel_fd >= 0) close(r->cancel_fd);
  pthread_mutex_destroy(&r->lock);
  free(r);
}

static void close_fds(struct relay *r) {
  for (int i = 0; i < 2; i++) {
    if (r->fds[i] >= 0) close(r->fds[i]);
    for (int j = 0; j < 2; j++)
      if (r->dir[i].pipe[j] >= 0) close(r->dir[i].pipe[j]);
  }
}

// One pass over a direction: fill its pipe from src, drain it into dst, relay EOF. Returns 0 or errno.
static int step(struct direction *d) {
  if (!d->eof && d->buffered < d->capacity) {
    ssize_t n = splice(d->src, NULL, d->pipe[1], NULL, d->capacity - d->buffered, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) d->buffered += (size_t)n;
    else if (n == 0) d->eof = 1;
    else if (errno != EAGAIN && errno != EINTR) return errno;
  }
  while (d->buffered > 0) {
    ssize_t n = splice(d->pipe[0], NULL, d->dst, NULL, d->buffered, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      d->buffered -= (size_t)n;
      d->bytes += (uint64_t)n;
    } else if (n < 0 && errno == EINTR) continue;
    else if (n < 0 && errno == EAGAIN) break;
    else return n < 0 ? errno : EIO;
  }
  if (d->eof && d->buffered == 0 && !d->shut) {
    // ENOTCONN: the peer is already gone both ways; nothing left to tell it.
    if (shutdown(d->dst, SHUT_WR) < 0 && errno != ENOTCONN) return errno;
    d->shut = 1;
  }
  return 0;
}

static void *relay_main(void *arg) {
  struct relay *r = arg;
  int err = 0;
  while (!err && !(r->dir[0].shut && r->dir[1].shut)) {
    // fds[i] is the source of dir[i] and the destination of dir[1-i]. A descriptor with nothing to
    // wait for is left out of the poll set, or a hung-up socket would wake the loop forever.
    struct pollfd p[3];
    for (int i = 0; i < 2; i++) {
      struct direction *out = &r->dir[i], *in = &r->dir[1 - i];
      short ev = 0;
      if (!out->eof && out->buffered < out->capacity) ev |= POLLIN;
      if (in->buffered > 0) ev |= POLLOUT;
      p[i].fd = ev ? r->fds[i] : -1;
      p[i].events = ev;
      p[i].revents = 0;
    }
    p[2].fd = r->cancel_fd;
    p[2].events = POLLIN;
    p[2].revents = 0;
    // Before sleeping, one relay at a time polls for a short while: request/response traffic then finds
    // the relay awake when the answer comes, instead of paying a thread wake-up per hop.
    int ready = 0;
    if (__atomic_fetch_add(&spinners, 1, __ATOMIC_RELAXED) < MAX_SPINNERS) {
      struct timespec t0, t;
      clock_gettime(CLOCK_MONOTONIC, &t0);
      do {
        ready = poll(p, 3, 0);
        clock_gettime(CLOCK_MONOTONIC, &t);
      } while (ready == 0 && (t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < SPIN_NS);
    }
    __atomic_fetch_sub(&spinners, 1, __ATOMIC_RELAXED);
    if (ready == 0) ready = poll(p, 3, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    if (p[2].revents) {
      err = ECANCELED;
      break;
    }
    for (int i = 0; i < 2 && !err; i++) {
      if (p[i].revents & (POLLERR | POLLNVAL)) {
        socklen_t len = sizeof err;
        if (getsockopt(r->fds[i], SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err == 0) err = EIO;
      }
    }
    for (int i = 0; i < 2 && !err; i++) err = step(&r->dir[i]);
  }
  r->error = err;
  close_fds(r);
  r->fds[0] = r->fds[1] = -1;
  // call_done lets go of the thread's reference; if the call cannot be queued, let go here.
  napi_threadsafe_function done = r->done;
  if (napi_call_threadsafe_function(done, r, napi_tsfn_blocking) != napi_ok) relay_unref(r);
  napi_release_threadsafe_function(done, napi_tsfn_release);
  return NULL;
}

// Runs on the JS thread when the relay has ended: done(errno, bytesAtoB, bytesBtoA).
static void call_done(napi_env env, napi_value cb, void *context, void *data) {
  struct relay *r = data;
  if (env == NULL || cb == NULL) {
    relay_unref(r);
    return;
  }
  napi_value argv[3], undefined;
  napi_create_int32(env, r->error, &argv[0]);
  napi_create_double(env, (double)r->dir[0].bytes, &argv[1]);
  napi_create_double(env, (double)r->dir[1].bytes, &argv[2]);
  napi_get_undefined(env, &undefined);
  napi_call_function(env, undefined, cb, 3, argv, NULL);
  relay_unref(r);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  relay_unref(data);
}

static napi_value throw_errno(napi_env env, const char *what, int e) {
  napi_throw_error(env, NULL, what);
  (void)e;
  return NULL;
}

// spliceRelay(fdA, fdB, done[, pipeSize]) → handle. Starts relaying between the two connected sockets (their
// descriptors are duplicated; the caller keeps and eventually closes its own). done(errno, aToB, bToA)
// is called once, on the JS thread, when both directions have ended (errno 0) or on the first error.
static napi_value js_splice_relay(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], name, handle;
  int32_t fa, fb, pipe_size = RELAY_PIPE_SIZE;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 3 || napi_get_value_int32(env, argv[0], &fa) != napi_ok || napi_get_value_int32(env, argv[1], &fb) != napi_ok) {
    napi_throw_type_error(env, NULL, "spliceRelay: (fdA, fdB, done) expected");
    return NULL;
  }
  if (argc > 3) napi_get_value_int32(env, argv[3], &pipe_size);
  struct relay *r = calloc(1, sizeof *r);
  if (r == NULL) return throw_errno(env, "spliceRelay: out of memory", ENOMEM);
  r->fds[0] = r->fds[1] = r->cancel_fd = -1;
  for (int i = 0; i < 2; i++) r->dir[i].pipe[0] = r->dir[i].pipe[1] = -1;
  pthread_mutex_init(&r->lock, NULL);
  r->refs = 1;
  int e = 0;
  if ((r->fds[0] = fcntl(fa, F_DUPFD_CLOEXEC, 0)) < 0 || (r->fds[1] = fcntl(fb, F_DUPFD_CLOEXEC, 0)) < 0 ||
      (r->cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
    e = errno;
  for (int i = 0; i < 2 && !e; i++) {
    struct direction *d = &r->dir[i];
    if (pipe2(d->pipe, O_CLOEXEC | O_NONBLOCK) < 0) { e = errno; break; }
    // A larger pipe moves more per splice; the kernel may refuse (pipe-max-size), then the default stays.
    int got = fcntl(d->pipe[1], F_SETPIPE_SZ, pipe_size);
    d->capacity = got > 0 ? (size_t)got : 65536;
    d->src = r->fds[i];
    d->dst = r->fds[1 - i];
  }
  if (!e) {
    napi_create_string_utf8(env, "berth.spliceRelay", NAPI_AUTO_LENGTH, &name);
    if (napi_create_threadsafe_function(env, argv[2], NULL, name, 0, 1, NULL, NULL, NULL, call_done, &r->done) != napi_ok) {
      close_fds(r);
      relay_unref(r);
      return NULL;
    }
  }
  if (!e) {
    r->refs = 2;  // the thread's and the JS handle's
    pthread_attr_t attr;
    pthread_t tid;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    e = pthread_create(&tid, &attr, relay_main, r);
    pthread_attr_destroy(&attr);
    if (e) {
      r->refs = 1;
      napi_release_threadsafe_function(r->done, napi_tsfn_abort);
    }
  }
  if (e) {
    close_fds(r);
    relay_unref(r);
    napi_value err, code, msg;
    napi_create_string_utf8(env, strerror(e), NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, NULL, msg, &err);
    napi_create_int32(env, -e, &code);
    napi_set_named_property(env, err, "errno", code);
    napi_throw(env, err);
    return NULL;
  }
  if (napi_create_external(env, r, finalize_handle, NULL, &handle) != napi_ok) return NULL;
  return handle;
}

// spliceRelayCancel(handle): ends the relay (done is then called with ECANCELED unless it had ended).
static napi_value js_splice_relay_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "spliceRelayCancel: handle expected");
    return NULL;
  }
  uint64_t one = 1;
  // The eventfd lives as long as the handle, so this never writes to a reused descriptor.
  ssize_t w = write(((struct relay *)data)->cancel_fd, &one, sizeof one);
  (void)w;
  return NULL;
}

napi_value splice_relay_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"spliceRelay", NULL, js_splice_relay, NULL, NULL, NULL, napi_enumerable, NULL},
    {"spliceRelayCancel", NULL, js_splice_relay_cancel, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
