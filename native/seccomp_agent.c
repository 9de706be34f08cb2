// berth-seccomp-agent: answers a container's sysinfo(2) and sched_getaffinity(2) from its cgroups,
// so `free`, `nproc` and Go's GOMAXPROCS inside see the container's memory limit and CPU count (lxcfs
// covers the /proc files; these two syscalls never read /proc).
//
// One agent per container. The runtime (runc) connects to the unix socket given on the command line
// once per seccomp filter it loads (the container's init at create, each exec), and sends the
// filter's notify descriptor with SCM_RIGHTS beside a JSON container-process-state message. The
// agent serves every descriptor with poll(), and exits when the init's filter is released (POLLHUP:
// the container is gone) and no exec is left. It is detached from berthd (own session), so
// containers keep working across a berthd restart or crash.
//
// Rule one: never hang or break the container. On any doubt (no limit, an unknown architecture, a
// failed read, another process's pid) the agent answers "continue", and the kernel runs the call.
//
// Usage: berth-seccomp-agent <socket-path>; prints "ready\n" on stdout once it listens.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#define NATIVE_AUDIT_ARCH 0 // unknown: every call continues
#endif

#define MAX_FDS 64
// Without a connection from the runtime by then, `runc create` failed: nothing will come.
#define FIRST_CONNECT_TIMEOUT_MS 120000
#define NO_LIMIT UINT64_MAX

// Where the cgroup hierarchies are mounted (from /proc/self/mountinfo).
static char mount_memory_v1[PATH_MAX], mount_cpu_v1[PATH_MAX], mount_v2[PATH_MAX];

static struct pollfd fds[MAX_FDS]; // fds[0]: the listening socket
static int nfds = 1;
static int init_fd = -1, init_seen = 0;
static double init_start = -1; // the container init's start, seconds since boot
static struct seccomp_notif_sizes sizes;

// ---- small file helpers ----

static ssize_t read_file(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t n = 0;
  while (n + 1 < size) {
    ssize_t r = read(fd, buf + n, size - 1 - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = '\0';
  return (ssize_t)n;
}

/** A file holding one number, or "max" (v2) / a huge value (v1) for no limit. */
static uint64_t read_u64(const char *dir, const char *name) {
  char path[PATH_MAX], buf[64];
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return NO_LIMIT;
  if (read_file(path, buf, sizeof buf) <= 0) return NO_LIMIT;
  if (strncmp(buf, "max", 3) == 0) return NO_LIMIT;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(buf, &end, 10);
  if (errno != 0 || end == buf) return NO_LIMIT;
  return (uint64_t)v;
}

/** A key's value in a "key value" per line file (memory.stat). */
static uint64_t stat_value(const char *dir, const char *key) {
  char path[PATH_MAX], buf[8192];
  if (snprintf(path, sizeof path, "%s/memory.stat", dir) >= (int)sizeof path) return 0;
  if (read_file(path, buf, sizeof buf) <= 0) return 0;
  size_t klen = strlen(key);
  for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ' ') return strtoull(line + klen + 1, NULL, 10);
  }
  return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/** The smallest value of a limit file over a cgroup and its ancestors (limits nest). */
static uint64_t hierarchy_min(const char *mount, const char *cgroup, const char *name) {
  char dir[PATH_MAX];
  if (snprintf(dir, sizeof dir, "%s%s", mount, cgroup) >= (int)sizeof dir) return NO_LIMIT;
  size_t base = strlen(mount);
  uint64_t best = NO_LIMIT;
  for (;;) {
    best = min_u64(best, read_u64(dir, name));
    char *slash = strrchr(dir + base, '/');
    if (slash == NULL) break;
    *slash = '\0';
  }
  return best;
}

static int has_token(const char *list, size_t len, const char *token) {
  size_t tlen = strlen(token);
  const char *p = list, *end = list + len;
  while (p < end) {
    const char *comma = memchr(p, ',', (size_t)(end - p));
    size_t n = comma ? (size_t)(comma - p) : (size_t)(end - p);
    if (n == tlen && memcmp(p, token, tlen) == 0) return 1;
    p += n + 1;
  }
  return 0;
}

/** Mount points of the v1 memory and cpu hierarchies and of the v2 one. */
static void find_mounts(void) {
  static char buf[65536];
  if (read_file("/proc/self/mountinfo", buf, sizeof buf) <= 0) return;
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    char *sep = strstr(line, " - ");
    if (sep == NULL) continue;
    char mnt[PATH_MAX], type[32], source[256], opts[1024];
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1) continue;
    if (sscanf(sep + 3, "%31s %255s %1023s", type, source, opts) != 3) continue;
    if (strcmp(type, "cgroup2") == 0 && mount_v2[0] == '\0') {
      snprintf(mount_v2, sizeof mount_v2, "%s", mnt);
    } else if (strcmp(type, "cgroup") == 0) {
      if (has_token(opts, strlen(opts), "memory") && mount_memory_v1[0] == '\0') snprintf(mount_memory_v1, sizeof mount_memory_v1, "%s", mnt);
      if (has_token(opts, strlen(opts), "cpu") && mount_cpu_v1[0] == '\0') snprintf(mount_cpu_v1, sizeof mount_cpu_v1, "%s", mnt);
    }
  }
}

/**
 * The cgroup of a process for a v1 controller (v1 = 1, written into out) or else its v2 cgroup
 * (v1 = 0). The paths are relative to the agent's cgroup namespace, the host's.
 */
static int process_cgroup(pid_t pid, const char *controller, char *out, size_t size, int *v1) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
  if (read_file(path, buf, sizeof buf) <= 0) return -1;
  char v2path[PATH_MAX] = "";
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2 == NULL) continue;
    if (c2 == c1 + 1 && strncmp(line, "0:", 2) == 0) {
      snprintf(v2path, sizeof v2path, "%s", c2 + 1);
    } else if (has_token(c1 + 1, (size_t)(c2 - c1 - 1), controller)) {
      snprintf(out, size, "%s", strcmp(c2 + 1, "/") == 0 ? "" : c2 + 1);
      *v1 = 1;
      return 0;
    }
  }
  if (v2path[0] == '\0') return -1;
  snprintf(out, size, "%s", strcmp(v2path, "/") == 0 ? "" : v2path);
  *v1 = 0;
  return 0;
}

static uint64_t count_lines(const char *dir, const char *name) {
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) return 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[8192];
  uint64_t lines = 0;
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < r; i++) lines += buf[i] == '\n';
  }
  close(fd);
  return lines;
}

/** Seconds since boot when a process started (field 22 of /proc/<pid>/stat). */
static double process_start(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  if (read_file(path, buf, sizeof buf) <= 0) return -1;
  char *p = strrchr(buf, ')'); // the command name may hold spaces and parentheses
  if (p == NULL) return -1;
  unsigned long long start = 0;
  // state (3) … starttime (22): skip 19 fields after the command.
  if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &start) != 1) return -1;
  return (double)start / (double)sysconf(_SC_CLK_TCK);
}

// ---- answers ----

static int write_caller(pid_t pid, uint64_t addr, const void *data, size_t len) {
  struct iovec local = {(void *)data, len}, remote = {(void *)(uintptr_t)addr, len};
  if (process_vm_writev(pid, &local, 1, &remote, 1, 0) == (ssize_t)len) return 0;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", pid);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t w = pwrite(fd, data, len, (off_t)addr);
  close(fd);
  return w == (ssize_t)len ? 0 : -1;
}

/** The notification still waits (its process did not die and its pid was not reused). */
static int still_valid(int fd, uint64_t id) { return ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0; }

/** sysinfo with the memory (and swap) of the caller's memory cgroup, the container's uptime and tasks. Returns 0 when answered. */
static int answer_sysinfo(int fd, const struct seccomp_notif *req, int64_t *val) {
  struct sysinfo si;
  if (sysinfo(&si) != 0) return -1;
  char cg[PATH_MAX], dir[PATH_MAX];
  int v1 = 0;
  if (process_cgroup(req->pid, "memory", cg, sizeof cg, &v1) != 0) return -1;
  const char *mount = v1 ? mount_memory_v1 : mount_v2;
  if (mount[0] == '\0' || snprintf(dir, sizeof dir, "%s%s", mount, cg) >= (int)sizeof dir) return -1;
  uint64_t unit = si.mem_unit ? si.mem_unit : 1;
  uint64_t host_ram = (uint64_t)si.totalram * unit, host_swap = (uint64_t)si.totalswap * unit;

  uint64_t limit = hierarchy_min(mount, cg, v1 ? "memory.limit_in_bytes" : "memory.max");
  if (limit < host_ram) {
    uint64_t usage = read_u64(dir, v1 ? "memory.usage_in_bytes" : "memory.current");
    if (usage == NO_LIMIT) return -1;
    if (usage > limit) usage = limit;
    si.totalram = limit / unit;
    si.freeram = (limit - usage) / unit;
    si.sharedram = stat_value(dir, v1 ? "total_shmem" : "shmem") / unit;
    si.bufferram = 0;
    uint64_t swap_total = 0, swap_used = 0;
    if (v1) {
      uint64_t memsw = hierarchy_min(mount, cg, "memory.memsw.limit_in_bytes");
      uint64_t memsw_usage = read_u64(dir, "memory.memsw.usage_in_bytes");
      if (memsw != NO_LIMIT && memsw >= limit && memsw_usage != NO_LIMIT) {
        swap_total = memsw - limit;
        swap_used = memsw_usage > usage ? memsw_usage - usage : 0;
      } else {
        swap_total = host_swap; // no swap accounting: the host's swap is what there is
        swap_used = host_swap - (uint64_t)si.freeswap * unit;
      }
    } else {
      swap_total = hierarchy_min(mount, cg, "memory.swap.max");
      uint64_t cur = read_u64(dir, "memory.swap.current");
      swap_used = cur == NO_LIMIT ? 0 : cur;
    }
    swap_total = min_u64(swap_total, host_swap);
    swap_used = min_u64(swap_used, swap_total);
    si.totalswap = swap_total / unit;
    si.freeswap = (swap_total - swap_used) / unit;
  }
  if (init_start >= 0 && (double)si.uptime >= init_start) si.uptime = (long)((double)si.uptime - init_start);
  uint64_t tasks = count_lines(dir, v1 ? "tasks" : "cgroup.threads");
  if (tasks > 0 && tasks < 65536) si.procs = (unsigned short)tasks;

  if (!still_valid(fd, req->id)) return -1;
  if (write_caller(req->pid, req->data.args[0], &si, sizeof si) != 0) return -1;
  *val = 0;
  return 0;
}

/** The CPUs a quota allows: ceil(quota / period) over the cgroup and its ancestors; 0 for none. */
static unsigned cpu_limit(pid_t pid) {
  char cg[PATH_MAX];
  int v1 = 0;
  if (process_cgroup(pid, "cpu", cg, sizeof cg, &v1) != 0) return 0;
  const char *mount = v1 ? mount_cpu_v1 : mount_v2;
  if (mount[0] == '\0') return 0;
  char dir[PATH_MAX];
  if (snprintf(dir, sizeof dir, "%s%s", mount, cg) >= (int)sizeof dir) return 0;
  size_t base = strlen(mount);
  unsigned best = 0;
  for (;;) {
    uint64_t quota = NO_LIMIT, period = 0;
    if (v1) {
      char buf[64], path[PATH_MAX + 32];
      snprintf(path, sizeof path, "%s/cpu.cfs_quota_us", dir);
      if (read_file(path, buf, sizeof buf) > 0 && buf[0] != '-') quota = strtoull(buf, NULL, 10);
      period = read_u64(dir, "cpu.cfs_period_us");
    } else {
      char buf[64], path[PATH_MAX + 32];
      snprintf(path, sizeof path, "%s/cpu.max", dir);
      if (read_file(path, buf, sizeof buf) > 0 && strncmp(buf, "max", 3) != 0) {
        unsigned long long q = 0, p = 0;
        if (sscanf(buf, "%llu %llu", &q, &p) == 2) quota = q, period = p;
      }
    }
    if (quota != NO_LIMIT && quota > 0 && period > 0 && period != NO_LIMIT) {
      unsigned n = (unsigned)((quota + period - 1) / period);
      if (best == 0 || n < best) best = n;
    }
    char *slash = strrchr(dir + base, '/');
    if (slash == NULL) break;
    *slash = '\0';
  }
  return best;
}

/** sched_getaffinity(0, …) with the first N CPUs of the caller's real mask, N from its CPU quota. */
static int answer_affinity(int fd, const struct seccomp_notif *req, int64_t *val) {
  if (req->data.args[0] != 0) return -1; // another task, named in the caller's pid namespace
  unsigned limit = cpu_limit(req->pid);
  if (limit == 0) return -1;
  unsigned char mask[512]; // 4096 CPUs
  size_t len = req->data.args[1] < sizeof mask ? (size_t)req->data.args[1] : sizeof mask;
  long n = syscall(SYS_sched_getaffinity, req->pid, len, mask);
  if (n <= 0) return -1; // the kernel will say the same (EINVAL for a short buffer…)
  unsigned kept = 0, total = 0;
  for (long i = 0; i < n; i++) {
    for (int b = 0; b < 8; b++) {
      if (!(mask[i] & (1u << b))) continue;
      total++;
      if (kept < limit) kept++;
      else mask[i] &= (unsigned char)~(1u << b);
    }
  }
  if (total <= limit) return -1; // the real mask is already within the limit
  if (!still_valid(fd, req->id)) return -1;
  if (write_caller(req->pid, req->data.args[2], mask, (size_t)n) != 0) return -1;
  *val = n;
  return 0;
}

static void serve(int fd) {
  struct seccomp_notif *req = calloc(1, sizes.seccomp_notif > sizeof *req ? sizes.seccomp_notif : sizeof *req);
  struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp > sizeof *resp ? sizes.seccomp_notif_resp : sizeof *resp);
  if (req == NULL || resp == NULL) goto out;
  if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) goto out; // ENOENT: the caller died meanwhile
  int64_t val = 0;
  int answered = -1;
  if (req->data.arch == NATIVE_AUDIT_ARCH && NATIVE_AUDIT_ARCH != 0) {
    if (req->data.nr == SYS_sysinfo) answered = answer_sysinfo(fd, req, &val);
    else if (req->data.nr == SYS_sched_getaffinity) answered = answer_affinity(fd, req, &val);
  }
  resp->id = req->id;
  if (answered == 0) {
    resp->val = val;
  } else {
    resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  }
  ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp); // ENOENT: the caller is gone, nothing to do
out:
  free(req);
  free(resp);
}

/** Takes a runtime's connection: its notify descriptor, and for the first (the init) its start time. */
static void accept_runtime(int lfd) {
  int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0) return;
  struct timeval tv = {2, 0}; // a runtime sends at once; never wait long on one
  setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char data[16384];
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int) * 4)];
  } control;
  struct iovec iov = {data, sizeof data - 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
  ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  close(conn);
  if (n <= 0) return;
  data[n] = '\0';
  int got = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    int *list = (int *)CMSG_DATA(c);
    for (int i = 0; i < count; i++) {
      if (got < 0) got = list[i];
      else close(list[i]);
    }
  }
  if (got < 0) return;
  if (nfds >= MAX_FDS) {
    close(got); // its calls then fail with ENOSYS; better than an unbounded agent
    return;
  }
  fcntl(got, F_SETFL, fcntl(got, F_GETFL) | O_NONBLOCK);
  fds[nfds].fd = got;
  fds[nfds].events = POLLIN;
  fds[nfds].revents = 0;
  nfds++;
  if (!init_seen) {
    init_seen = 1;
    init_fd = got;
    const char *p = strstr(data, "\"pid\":");
    long pid = p ? strtol(p + 6, NULL, 10) : 0;
    init_start = pid > 0 ? process_start((pid_t)pid) : -1;
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <socket-path>\n", argv[0]);
    return 2;
  }
  const char *path = argv[1];
  signal(SIGPIPE, SIG_IGN);
  // Descriptors a parent leaked (pipes its own parent waits on) must not live as long as the container.
  if (syscall(SYS_close_range, 3, ~0U, 0) != 0) {
    for (int fd = 3; fd < 1024; fd++) close(fd);
  }
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) {
    fprintf(stderr, "seccomp user notification is not supported: %s\n", strerror(errno));
    return 1;
  }
  find_mounts();
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) {
    fprintf(stderr, "socket path too long: %s\n", path);
    return 1;
  }
  strcpy(addr.sun_path, path);
  int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  unlink(path);
  if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0 || chmod(path, 0600) != 0 || listen(lfd, 16) != 0) {
    fprintf(stderr, "listening on %s: %s\n", path, strerror(errno));
    return 1;
  }
  struct stat own;
  ino_t ino = stat(path, &own) == 0 ? own.st_ino : 0;
  setsid();
  if (chdir("/") != 0) return 1;
  printf("ready\n");
  fflush(stdout);
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0) {
    dup2(devnull, 0), dup2(devnull, 1), dup2(devnull, 2);
    if (devnull > 2) close(devnull);
  }

  fds[0].fd = lfd;
  fds[0].events = POLLIN;
  for (;;) {
    int r = poll(fds, (nfds_t)nfds, init_seen ? -1 : FIRST_CONNECT_TIMEOUT_MS);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break; // no runtime came
    if (fds[0].revents & POLLIN) accept_runtime(lfd);
    if (fds[0].revents & (POLLERR | POLLNVAL)) fds[0].fd = -1; // poll skips it from now on: no busy loop
    int init_gone = 0;
    for (int i = 1; i < nfds; i++) {
      short ev = fds[i].revents;
      fds[i].revents = 0;
      if (ev & POLLIN) serve(fds[i].fd);
      if (ev & (POLLHUP | POLLERR | POLLNVAL)) {
        if (fds[i].fd == init_fd) init_gone = 1;
        close(fds[i].fd);
        fds[i] = fds[--nfds];
        i--;
      }
    }
    if (init_gone) init_fd = -1;
    if (init_seen && init_fd < 0 && nfds == 1) break; // the container is gone, and every exec with it
  }
  // Remove the socket unless a new agent of the same container (a restart) already took the path.
  struct stat now;
  if (stat(path, &now) == 0 && now.st_ino == ino) unlink(path);
  return 0;
}
