// `-v src:dst[:mode]` (HostConfig.Binds) parsed with docker's rules and messages.
import { posix } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { PlannedMount } from './mount-plan.js';
import { validateVolumeName } from './volume-name.js';

const PROPAGATIONS = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave']);

function invalidSpec(spec: string, why?: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid volume specification: '${spec}'${why ? `: ${why}` : ''}`);
}

/** Checks docker's mode words: rw|ro, z|Z, one propagation, nocopy. */
function parseMode(spec: string, mode: string): { rw: boolean; propagation?: string; nocopy: boolean } {
  let rw = true;
  let propagation: string | undefined;
  let nocopy = false;
  let rwSeen = false;
  let labelSeen = false;
  for (const w of mode.split(',')) {
    if (w === 'ro' || w === 'rw') {
      if (rwSeen) throw new InvalidArgumentError(`invalid mode: ${mode}`);
      rwSeen = true;
      rw = w === 'rw';
    } else if (w === 'z' || w === 'Z') {
      if (labelSeen) throw new InvalidArgumentError(`invalid mode: ${mode}`);
      labelSeen = true;
    } else if (PROPAGATIONS.has(w)) {
      if (propagation) throw new InvalidArgumentError(`invalid mode: ${mode}`);
      propagation = w;
    } else if (w === 'nocopy' || w === 'copy') {
      nocopy = w === 'nocopy';
    } else {
      throw invalidSpec(spec, `invalid mode: ${mode}`);
    }
  }
  return { rw, ...(propagation ? { propagation } : {}), nocopy };
}

export function parseBindSpec(spec: string): PlannedMount {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw invalidSpec(spec);
  if (parts.length === 1) {
    const dst = parts[0]!;
    if (!posix.isAbsolute(dst)) throw invalidSpec(spec, `invalid mount config for type "volume": invalid mount path: '${dst}' mount path must be absolute`);
    return { type: 'volume', source: '', destination: cleanDest(dst), rw: true, mode: '', propagation: '', copyData: true, anonymous: true };
  }
  const [src, dst, mode = ''] = parts as [string, string, string?];
  const bind = posix.isAbsolute(src);
  if (!posix.isAbsolute(dst)) {
    throw invalidSpec(spec, `invalid mount config for type "${bind ? 'bind' : 'volume'}": invalid mount path: '${dst}' mount path must be absolute`);
  }
  if (cleanDest(dst) === '/') throw new InvalidArgumentError(`invalid specification: destination can't be '/'`);
  const m = mode ? parseMode(spec, mode) : { rw: true, nocopy: false };
  if (bind) {
    return { type: 'bind', source: cleanDest(src), destination: cleanDest(dst), rw: m.rw, mode, propagation: m.propagation ?? 'rprivate' };
  }
  if (m.propagation) throw invalidSpec(spec, `invalid mode: ${mode}`);
  validateVolumeName(src);
  // docker shows named volumes from -v with the SELinux word z when none was given.
  return { type: 'volume', source: src, destination: cleanDest(dst), rw: m.rw, mode: mode || 'z', propagation: '', copyData: !m.nocopy };
}

export function cleanDest(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}
