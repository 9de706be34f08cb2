// The seccomp side of "a container sees its own limits": sysinfo(2) (free, top) and
// sched_getaffinity(2) (nproc, Go's GOMAXPROCS) never read /proc, so lxcfs cannot answer them. Their
// rules become SCMP_ACT_NOTIFY, and runc hands the filter's notify descriptor to the container's
// seccomp agent listening at listenerPath, which answers from the container's cgroups.
import type { LinuxSeccomp, LinuxSyscall } from '../spec/runtime-spec.js';

/** The calls the agent answers. */
export const RESOURCE_VIEW_SYSCALLS = ['sysinfo', 'sched_getaffinity'] as const;

/**
 * The seccomp section with the resource-view calls sent to the agent at `listenerPath`. Only calls
 * the profile allows unconditionally move (a profile that denies them keeps denying); they leave
 * their allow rule, as libseccomp refuses two actions for one call. Undefined when none moves: the
 * container then needs no agent.
 */
export function withResourceViewNotify(seccomp: LinuxSeccomp, listenerPath: string): LinuxSeccomp | undefined {
  const allowed = (r: LinuxSyscall): boolean => r.action === 'SCMP_ACT_ALLOW' && (r.args === undefined || r.args.length === 0);
  const moved = RESOURCE_VIEW_SYSCALLS.filter((name) => (seccomp.syscalls ?? []).some((r) => allowed(r) && r.names.includes(name)));
  if (moved.length === 0) return undefined;
  const syscalls: LinuxSyscall[] = [];
  for (const rule of seccomp.syscalls ?? []) {
    if (!allowed(rule)) {
      syscalls.push(rule);
      continue;
    }
    const names = rule.names.filter((n) => !(moved as readonly string[]).includes(n));
    if (names.length > 0) syscalls.push({ ...rule, names });
  }
  syscalls.push({ names: [...moved], action: 'SCMP_ACT_NOTIFY' });
  return { ...seccomp, listenerPath, syscalls };
}
