// `berth` as installed on PATH: hands the command to a warm CLI worker of berthd's (src/cli-host/)
// and relays its outcome, so a command costs no Node start-up. It sends its arguments, environment,
// working directory and umask, and passes its standard descriptors themselves (SCM_RIGHTS): the
// worker writes straight to this terminal, pipe or file, and reads from it. It forwards the signals
// a terminal sends (INT, TERM, HUP, QUIT, WINCH) and exits as the command did, by status or signal.
// Whenever no worker takes the command (no socket, another build, another mount namespace, a command
// that must run as its own process), it becomes `node bin/berth` — the same CLI, started cold.
// BERTH_WARM=0 always starts cold; BERTH_WARM=1 never does (it fails instead: for tests and
// benches that must measure the warm path); BERTH_CLI_SOCKET names the socket (default
// <BERTH_EXEC_ROOT or /run/berth>/cli.sock, beside berthd's default API socket).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

#define DEFAULT_SOCKET "/run/berth/cli.sock"
#define PROTOCOL "1"

static char root[PATH_MAX];
// The worker's streams set O_NONBLOCK on pipes shared with this process (and the shell's other
// commands), and a command may leave the terminal raw (`run -it` cut short): both are put back as
// they were before the hand-off, whatever the outcome, as Node restores its terminal at exit.
static int saved_flags[3] = {-1, -1, -1};
static struct termios saved_termios;
static int have_termios;

static void save_terminal(void) {
  for (int i = 0; i < 3; i++) saved_flags[i] = fcntl(i, F_GETFL);
  have_termios = isatty(0) && tcgetattr(0, &saved_termios) == 0;
}

static void restore_terminal(void) {
  for (int i = 0; i < 3; i++)
    if (saved_flags[i] != -1) fcntl(i, F_SETFL, saved_flags[i]);
  // TCSADRAIN: output the command wrote in raw mode is not reprocessed under the restored mode.
  if (have_termios) tcsetattr(0, TCSADRAIN, &saved_termios);
}
static int sig_pipe[2] = {-1, -1};

/** The repository root: this binary is <root>/native/build/Release/berth-launcher. */
static int find_root(void) {
  ssize_t n = readlink("/proc/self/exe", root, sizeof root - 1);
  if (n <= 0) return -1;
  root[n] = '\0';
  for (int i = 0; i < 4; i++) {
    char *slash = strrchr(root, '/');
    if (slash == NULL) return -1;
    *slash = '\0';
  }
  return root[0] == '\0' ? -1 : 0;
}

static void start_cold(int argc, char **argv) {
  const char *warm = getenv("BERTH_WARM");
  if (warm != NULL && strcmp(warm, "1") == 0) {
    fprintf(stderr, "berth: no warm CLI worker took the command (BERTH_WARM=1)\n");
    _exit(127);
  }
  char bin[PATH_MAX + 16];
  snprintf(bin, sizeof bin, "%s/bin/berth", root);
  char **args = calloc((size_t)argc + 2, sizeof *args);
  if (args == NULL) _exit(127);
  args[0] = "node";
  args[1] = bin;
  for (int i = 1; i < argc; i++) args[i + 1] = argv[i];
  execvp("node", args);
  fprintf(stderr, "berth: cannot start node: %s\n", strerror(errno));
  _exit(127);
}

/** A growable buffer of NUL-terminated fields. */
struct body {
  char *p;
  size_t len, cap;
};

static int put(struct body *b, const char *s) {
  size_t n = strlen(s) + 1;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->len + n) cap *= 2;
    char *p = realloc(b->p, cap);
    if (p == NULL) return -1;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  return 0;
}

static int put_num(struct body *b, long long v) {
  char s[32];
  snprintf(s, sizeof s, "%lld", v);
  return put(b, s);
}

/** "dev:ino" of a path: the worker compares mount namespace and root with its own. */
static int put_identity(struct body *b, const char *path) {
  struct stat st;
  char s[64];
  if (stat(path, &st) != 0) return put(b, "?");
  snprintf(s, sizeof s, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
  return put(b, s);
}

static int build_body(struct body *b, int argc, char **argv) {
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == NULL) return -1;
  mode_t mask = umask(0);
  umask(mask);
  int envc = 0;
  for (char **e = environ; *e != NULL; e++) envc++;
  if (put(b, PROTOCOL) || put(b, root) || put(b, cwd) || put_num(b, mask) ||
      put_identity(b, "/proc/self/ns/mnt") || put_identity(b, "/") || put_num(b, argc - 1))
    return -1;
  for (int i = 1; i < argc; i++)
    if (put(b, argv[i])) return -1;
  if (put_num(b, envc)) return -1;
  for (char **e = environ; *e != NULL; e++)
    if (put(b, *e)) return -1;
  return 0;
}

static int send_request(int sock, struct body *b) {
  // A closed standard descriptor is passed as /dev/null.
  int fds[3];
  for (int i = 0; i < 3; i++) {
    fds[i] = fcntl(i, F_GETFD) == -1 ? open("/dev/null", i == 0 ? O_RDONLY : O_WRONLY | O_CLOEXEC) : i;
    if (fds[i] < 0) return -1;
  }
  char header[8];
  uint32_t len = (uint32_t)b->len;
  memcpy(header, "BRTH", 4);
  memcpy(header + 4, &len, 4);
  struct iovec iov[2] = {{.iov_base = header, .iov_len = 8}, {.iov_base = b->p, .iov_len = b->len}};
  union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof fds)]; } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof fds);
  memcpy(CMSG_DATA(c), fds, sizeof fds);
  size_t total = 8 + b->len, sent = 0;
  // The descriptors ride with the first bytes; the rest of a long environment follows.
  while (sent < total) {
    ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    sent += (size_t)n;
    msg.msg_control = NULL;
    msg.msg_controllen = 0;
    size_t skip = (size_t)n;
    while (msg.msg_iovlen > 0 && skip >= msg.msg_iov[0].iov_len) {
      skip -= msg.msg_iov[0].iov_len;
      msg.msg_iov++;
      msg.msg_iovlen--;
    }
    if (msg.msg_iovlen > 0) {
      msg.msg_iov[0].iov_base = (char *)msg.msg_iov[0].iov_base + skip;
      msg.msg_iov[0].iov_len -= skip;
    }
  }
  return 0;
}

static void on_signal(int sig) {
  int saved = errno;
  unsigned char s = (unsigned char)sig;
  if (write(sig_pipe[1], &s, 1) < 0) { /* the pipe is full: the signal is already pending */ }
  errno = saved;
}

static const int FORWARDED[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};

static void forward_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof FORWARDED / sizeof FORWARDED[0]; i++) sigaction(FORWARDED[i], &sa, NULL);
}

/** Dies by `sig` as the command did (the shell then reports it as a real CLI's death). */
static void die_by(int sig) {
  restore_terminal();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigaction(sig, &sa, NULL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  raise(sig);
  _exit(128 + sig);
}

static int read_full(int fd, unsigned char *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (find_root() != 0) {
    fprintf(stderr, "berth: cannot find the installation (/proc/self/exe)\n");
    return 127;
  }
  const char *warm = getenv("BERTH_WARM");
  if (warm != NULL && strcmp(warm, "0") == 0) start_cold(argc, argv);
  (void)warm;
  // The socket beside berthd's default API socket, as the CLI finds that one (client/host.ts).
  const char *path = getenv("BERTH_CLI_SOCKET");
  const char *exec_root = getenv("BERTH_EXEC_ROOT");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (path != NULL && path[0] != '\0') {
    if (strlen(path) >= sizeof addr.sun_path) start_cold(argc, argv);
    strcpy(addr.sun_path, path);
  } else if (exec_root != NULL && exec_root[0] != '\0') {
    if (snprintf(addr.sun_path, sizeof addr.sun_path, "%s/cli.sock", exec_root) >= (int)sizeof addr.sun_path) start_cold(argc, argv);
  } else {
    strcpy(addr.sun_path, DEFAULT_SOCKET);
  }
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) start_cold(argc, argv);

  // Before the hand-off: once sent, the worker may change the terminal at any moment.
  save_terminal();
  struct body b = {0};
  if (build_body(&b, argc, argv) != 0 || send_request(sock, &b) != 0) start_cold(argc, argv);
  free(b.p);

  if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) start_cold(argc, argv);
  forward_signals();
  signal(SIGPIPE, SIG_IGN);

  // Records of 5 bytes: a tag and an int32. Worker → here: A accepted, F run it cold, X exit
  // status, S died by signal. Here → worker: G a signal.
  int accepted = 0;
  for (;;) {
    struct pollfd p[2] = {{.fd = sock, .events = POLLIN}, {.fd = sig_pipe[0], .events = POLLIN}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[1].revents & POLLIN) {
      unsigned char s;
      while (read(sig_pipe[0], &s, 1) == 1) {
        if (!accepted && s != SIGWINCH) die_by(s);
        unsigned char rec[5] = {'G'};
        int32_t v = s;
        memcpy(rec + 1, &v, 4);
        if (write(sock, rec, 5) != 5 && s != SIGWINCH) die_by(s);
      }
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      unsigned char rec[5];
      if (read_full(sock, rec, 5) != 0) break;
      int32_t v;
      memcpy(&v, rec + 1, 4);
      switch (rec[0]) {
        case 'A': accepted = 1; break;
        case 'F': if (!accepted) { close(sock); start_cold(argc, argv); } break;
        case 'X': restore_terminal(); return v & 0xff;
        case 'S': die_by(v); break;
        default: break;
      }
    }
  }
  // The worker went away without an outcome (berthd stopped, the worker crashed).
  if (!accepted) start_cold(argc, argv);
  restore_terminal();
  fprintf(stderr, "berth: the CLI worker ended without an exit status (was berthd stopped?)\n");
  return 1;
}
