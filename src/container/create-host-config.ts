// What docker does to a HostConfig at create, before anything runs: it checks the resource limits
// (a bad one refuses the create, not the start), drops what the host's cgroups cannot honour with a
// warning the CLI prints, and records the default masked and read-only paths.
import { probeHost, type HostInfo } from '../runtime/spec/host-info.js';
import { resolveResources } from '../runtime/spec/resources.js';
import type { SpecHostConfig } from '../runtime/spec/spec-input.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../runtime/spec/system-paths.js';
import type { ApiHostConfig } from './container-record.js';

/** Settles `hc` in place; returns the create response's Warnings. Throws docker's errors for bad limits. */
export async function settleHostConfig(hc: ApiHostConfig, host: HostInfo = probeHost()): Promise<string[]> {
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
