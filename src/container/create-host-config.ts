// What docker does to a HostConfig at create, before anything runs: it checks the settings (a bad
// one refuses the create, not the start), drops what the host's cgroups cannot honour with a
// warning the CLI prints, and records the default masked and read-only paths.
import { InvalidArgumentError, errorMessage } from '../errors.js';
import { normalizeCapability } from '../runtime/capabilities.js';
import { probeHost, type HostInfo } from '../runtime/spec/host-info.js';
import { resolveResources } from '../runtime/spec/resources.js';
import { parseSecurityOpts } from '../runtime/spec/security-opts.js';
import type { SpecHostConfig } from '../runtime/spec/spec-input.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../runtime/spec/system-paths.js';
import type { ApiHostConfig } from './container-record.js';

/** Settles `hc` in place; returns the create response's Warnings. Throws docker's errors for bad settings. */
export async function settleHostConfig(hc: ApiHostConfig, host: HostInfo = probeHost()): Promise<string[]> {
  checkNamespaceModes(hc);
  checkCapabilities(hc);
  parseSecurityOpts(hc.SecurityOpt as string[] | undefined); // its deprecation notes are dockerd's log lines, not warnings
  const oomScoreAdj = typeof hc.OomScoreAdj === 'number' ? hc.OomScoreAdj : 0;
  if (oomScoreAdj < -1000 || oomScoreAdj > 1000) {
    throw new InvalidArgumentError(`Invalid value ${oomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  }
  const { warnings, reset } = await resolveResources(hc as SpecHostConfig, host);
  Object.assign(hc, reset);
  // No limit, or "unlimited" (0 or any negative value), is recorded as no limit at all.
  if (typeof hc.PidsLimit === 'number' && hc.PidsLimit <= 0) hc.PidsLimit = null;
  if (!hc.Privileged) {
    if (hc.MaskedPaths == null) hc.MaskedPaths = [...DEFAULT_MASKED_PATHS];
    if (hc.ReadonlyPaths == null) hc.ReadonlyPaths = [...DEFAULT_READONLY_PATHS];
  }
  return warnings;
}

/** --ipc, --pid and --uts: '', private/shareable (IPC), host, or container:<name>, with docker's messages. */
function checkNamespaceModes(hc: ApiHostConfig): void {
  const modes: Array<[string, unknown, readonly string[]]> = [
    ['IPC', hc.IpcMode, ['', 'host', 'private', 'shareable', 'none']],
    ['PID', hc.PidMode, ['', 'host']],
    ['UTS', hc.UTSMode, ['', 'host']],
  ];
  for (const [kind, value, allowed] of modes) {
    const v = String(value ?? '');
    const joins = kind !== 'UTS' && v.startsWith('container:') && v.length > 'container:'.length;
    if (!allowed.includes(v) && !joins) throw new InvalidArgumentError(`invalid ${kind} mode: ${v}`);
  }
}

function checkCapabilities(hc: ApiHostConfig): void {
  for (const [field, list] of [['CapAdd', hc.CapAdd], ['CapDrop', hc.CapDrop]] as const) {
    for (const name of (list as string[] | null | undefined) ?? []) {
      if (name.toUpperCase() === 'ALL') continue;
      try {
        normalizeCapability(name);
      } catch (err) {
        throw new InvalidArgumentError(`invalid ${field}: ${errorMessage(err)}`);
      }
    }
  }
}
