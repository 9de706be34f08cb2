// `--change` for import and commit: Dockerfile instructions applied to an image config. Parsed by the
// builder's Dockerfile parser so there is one grammar; the builder applies the same instructions.
import { parseDockerfile } from '../build/dockerfile/parse-dockerfile.js';
import type { Instruction } from '../build/dockerfile/instructions.js';
import type { ContainerConfig } from '../oci/image-spec.js';
import { InvalidArgumentError } from '../errors.js';

const ALLOWED = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** Applies one config-changing instruction (no substitution: the caller expanded it). */
export function applyConfigInstruction(cfg: ContainerConfig, ins: Instruction, defaultShell: string[] = ['/bin/sh', '-c']): void {
  const shell = cfg.Shell ?? defaultShell;
  switch (ins.kind) {
    case 'CMD':
      cfg.Cmd = ins.prependShell ? [...shell, ins.command.join(' ')] : ins.command;
      break;
    case 'ENTRYPOINT':
      cfg.Entrypoint = ins.prependShell ? [...shell, ins.command.join(' ')] : ins.command;
      // docker resets CMD when ENTRYPOINT is set in the same image
      if (cfg.Cmd === undefined) cfg.Cmd = null;
      break;
    case 'ENV': {
      const env = [...(cfg.Env ?? [])];
      for (const { key, value } of ins.pairs) {
        const i = env.findIndex((e) => e.split('=')[0] === key);
        if (i === -1) env.push(`${key}=${value}`);
        else env[i] = `${key}=${value}`;
      }
      cfg.Env = env;
      break;
    }
    case 'LABEL':
      cfg.Labels = { ...(cfg.Labels ?? {}) };
      for (const { key, value } of ins.pairs) cfg.Labels[key] = value;
      break;
    case 'EXPOSE':
      cfg.ExposedPorts = { ...(cfg.ExposedPorts ?? {}) };
      for (const p of ins.ports) cfg.ExposedPorts[p.includes('/') ? p : `${p}/tcp`] = {};
      break;
    case 'VOLUME':
      cfg.Volumes = { ...(cfg.Volumes ?? {}) };
      for (const v of ins.volumes) cfg.Volumes[v] = {};
      break;
    case 'WORKDIR': {
      const p = ins.path.startsWith('/') ? ins.path : `${cfg.WorkingDir || '/'}/${ins.path}`;
      cfg.WorkingDir = p.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
      break;
    }
    case 'USER':
      cfg.User = ins.user;
      break;
    case 'STOPSIGNAL':
      cfg.StopSignal = ins.signal;
      break;
    case 'SHELL':
      cfg.Shell = ins.shell;
      break;
    case 'ONBUILD':
      cfg.OnBuild = [...(cfg.OnBuild ?? []), ins.expression];
      break;
    case 'HEALTHCHECK':
      cfg.Healthcheck = {
        Test: ins.health.test,
        ...(ins.health.interval ? { Interval: ins.health.interval } : {}),
        ...(ins.health.timeout ? { Timeout: ins.health.timeout } : {}),
        ...(ins.health.startPeriod ? { StartPeriod: ins.health.startPeriod } : {}),
        ...(ins.health.startInterval ? { StartInterval: ins.health.startInterval } : {}),
        ...(ins.health.retries ? { Retries: ins.health.retries } : {}),
      };
      break;
    default:
      throw new InvalidArgumentError(`${ins.kind} is not a valid change command`);
  }
}

/** Applies docker's `--change` strings to a config (returns a new one). */
export function applyConfigChanges(base: ContainerConfig, changes: string[]): ContainerConfig {
  const cfg: ContainerConfig = structuredClone(base);
  for (const change of changes) {
    if (change.trim() === '') continue;
    const word = change.trim().split(/\s+/)[0]!.toUpperCase();
    if (!ALLOWED.has(word)) throw new InvalidArgumentError(`${word.toLowerCase()} is not a valid change command`);
    const df = parseDockerfile(`FROM scratch\n${change}\n`, { file: '--change' });
    for (const ins of df.stages[0]?.instructions ?? []) applyConfigInstruction(cfg, ins);
  }
  return cfg;
}
