// Writes compose files into a fresh temporary directory and loads them, for the model's tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadProject } from '../../../../src/compose/model/load-project.js';
import type { ComposeProject, LoadOptions } from '../../../../src/compose/model/project.js';
import { renderProject } from '../../../../src/compose/model/config-output.js';

/** Every directory made here goes when the test process ends (each test file is one process). */
const made: string[] = [];
process.once('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function projectDir(files: Record<string, string>, name = 'app'): string {
  const base = mkdtempSync(join(tmpdir(), 'berth-compose-'));
  made.push(base);
  const dir = join(base, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function load(files: Record<string, string>, options: LoadOptions = {}): Promise<{ project: ComposeProject; dir: string; warnings: string[] }> {
  const dir = projectDir(files);
  const warnings: string[] = [];
  const project = await loadProject({ workingDir: dir, environment: {}, onWarning: (m) => warnings.push(m), ...options });
  return { project, dir, warnings };
}

export async function configOf(files: Record<string, string>, options: LoadOptions = {}): Promise<string> {
  const { project, dir } = await load(files, options);
  return renderProject(project, 'yaml').split(dir).join('<dir>');
}
