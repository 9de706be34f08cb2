// Which compose files a command loads: -f files, else COMPOSE_FILE (split on
// COMPOSE_PATH_SEPARATOR, ':' by default), else the first compose.yaml / compose.yml /
// docker-compose.yaml / docker-compose.yml found walking up from the working directory, plus its
// override file beside it.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { NotFoundError } from '../../errors.js';

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE_NAMES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

export function discoverFiles(files: readonly string[], workingDir: string, env: Record<string, string | undefined>): string[] {
  if (files.length > 0) return files.map((f) => (f === '-' ? f : resolve(workingDir, f)));
  const fromEnv = env.COMPOSE_FILE;
  if (fromEnv) {
    const sep = env.COMPOSE_PATH_SEPARATOR || ':';
    return fromEnv
      .split(sep)
      .filter((f) => f !== '')
      .map((f) => resolve(workingDir, f));
  }
  for (let dir = resolve(workingDir); ; dir = dirname(dir)) {
    const found = DEFAULT_FILE_NAMES.find((n) => existsSync(join(dir, n)));
    if (found) {
      const override = OVERRIDE_NAMES.find((n) => existsSync(join(dir, n)));
      return override ? [join(dir, found), join(dir, override)] : [join(dir, found)];
    }
    if (dirname(dir) === dir) break;
  }
  throw new NotFoundError('no configuration file provided: not found');
}
