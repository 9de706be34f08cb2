// Profiles: a service with `profiles` runs only when one of them is enabled (--profile,
// COMPOSE_PROFILES; `*` enables all); services without profiles always run. A running service's
// dependency that is left out is an error unless the dependency is `required: false`.
import { ComposeValueError } from './compose-file-error.js';
import type { ServiceConfig } from './project.js';

export interface ProfileSplit {
  enabled: Record<string, ServiceConfig>;
  disabled: Record<string, ServiceConfig>;
}

export function applyProfiles(services: Record<string, ServiceConfig>, profiles: readonly string[], warn: (msg: string) => void): ProfileSplit {
  const all = profiles.includes('*');
  const active = (s: ServiceConfig): boolean => !s.profiles || s.profiles.length === 0 || all || s.profiles.some((p) => profiles.includes(p));
  const enabled: Record<string, ServiceConfig> = {};
  const disabled: Record<string, ServiceConfig> = {};
  for (const [name, s] of Object.entries(services)) (active(s) ? enabled : disabled)[name] = s;
  for (const s of Object.values(enabled)) {
    for (const [dep, d] of Object.entries(s.depends_on)) {
      if (dep in enabled) continue;
      if (!d.required) {
        warn(`service ${JSON.stringify(s.name)} depends on ${JSON.stringify(dep)}, which is not enabled: ignored (required: false)`);
        delete s.depends_on[dep];
        continue;
      }
      const why = dep in disabled ? `service ${JSON.stringify(dep)}, which is disabled by profiles ${JSON.stringify(disabled[dep]!.profiles)}` : `undefined service ${JSON.stringify(dep)}`;
      throw new DependsOnMissingError(s.name, dep, `service ${JSON.stringify(s.name)} depends on ${why}`);
    }
  }
  return { enabled, disabled };
}

export class DependsOnMissingError extends ComposeValueError {
  constructor(
    readonly service: string,
    readonly dependency: string,
    message: string,
  ) {
    super(message);
  }
}

/** COMPOSE_PROFILES is a comma list. */
export function profilesFrom(flags: readonly string[] | undefined, env: string | undefined): string[] {
  if (flags && flags.length > 0) return [...flags];
  return (env ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
}
