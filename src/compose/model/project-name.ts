// Compose's project name: -p, else COMPOSE_PROJECT_NAME, else the file's top-level `name`, else
// the project directory's base name. A name given explicitly must already be valid; the
// directory's name is normalized (lowercased, other characters dropped) as compose does.
import { basename } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

export function normalizeProjectName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}

export function checkProjectName(name: string): string {
  if (!VALID.test(name)) {
    throw new InvalidArgumentError(
      `invalid project name ${JSON.stringify(name)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
    );
  }
  return name;
}

export interface ProjectNameSources {
  flag?: string | undefined;
  env?: string | undefined;
  fileName?: string | undefined;
  projectDir: string;
}

export function resolveProjectName(s: ProjectNameSources): string {
  if (s.flag) return checkProjectName(s.flag);
  if (s.env) return checkProjectName(s.env);
  if (s.fileName) return checkProjectName(s.fileName);
  const name = normalizeProjectName(basename(s.projectDir));
  if (name === '') throw new InvalidArgumentError('project name must not be empty');
  return name;
}
