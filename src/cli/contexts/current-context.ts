// `currentContext` in config.json: read at start-up to pick the context, written by `context use`
// (every other key of the file is kept).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../../errors.js';
import { writeFileAtomicSync } from '../../fsutil/atomic-write.js';
import { configDirOf } from './context-store.js';

function readConfig(path: string): Record<string, unknown> {
  try {
    const text = readFileSync(path, 'utf8');
    return text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return {};
    throw err;
  }
}

export function readCurrentContext(configDir: string | undefined): string | undefined {
  const v = readConfig(join(configDirOf(configDir), 'config.json')).currentContext;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `undefined` (or "default") removes the key, as docker does. */
export function writeCurrentContext(configDir: string | undefined, name: string | undefined): void {
  const dir = configDirOf(configDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'config.json');
  const cfg = readConfig(path);
  if (name === undefined || name === 'default') delete cfg.currentContext;
  else cfg.currentContext = name;
  writeFileAtomicSync(path, JSON.stringify(cfg, null, '\t'), 0o600);
}
