// The dashboard's compose `up` and `down`: compose sits above the Engine API as a client (layering
// keeps it out of the daemon), so the UI server runs the CLI, `berth compose -p P -f … up -d`,
// as a child process against the daemon's own socket, with the project's files from its labels.
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '../errors.js';
import { type ExecProgramError, execProgram } from '../sys/exec-program.js';

// bin/berth, as installed: from dist/src/ui/ three levels up.
const BERTH_CLI = fileURLToPath(new URL('../../../bin/berth', import.meta.url));

/** What compose wrote on the project's containers: its files and directory. */
export interface ComposeProjectFiles {
  configFiles: string[];
  workingDir?: string;
}

export type ComposeVerb = 'up' | 'down';

/** The files of `project` from the labels of its containers (the newest one that names any). */
export function projectFiles(labelSets: Array<Record<string, string> | undefined>, project: string): ComposeProjectFiles | undefined {
  for (const l of labelSets) {
    if (l?.['com.docker.compose.project'] !== project) continue;
    const files = (l['com.docker.compose.project.config_files'] ?? '').split(',').filter(Boolean);
    if (!files.length) continue;
    const dir = l['com.docker.compose.project.working_dir'];
    return { configFiles: files, ...(dir ? { workingDir: dir } : {}) };
  }
  return undefined;
}

/** The CLI's arguments for `verb` on `project`. */
export function composeArgs(project: string, files: ComposeProjectFiles, verb: ComposeVerb): string[] {
  return [
    'compose', '-p', project, ...(files.workingDir ? ['--project-directory', files.workingDir] : []),
    ...files.configFiles.flatMap((f) => ['-f', f]),
    ...(verb === 'up' ? ['up', '-d'] : ['down']),
  ];
}

/** Runs `berth compose … up -d|down` against `host`; its exit code and what it printed. */
export async function runCompose(host: string, project: string, files: ComposeProjectFiles | undefined, verb: ComposeVerb): Promise<{ code: number; output: string }> {
  if (!files) throw new NotFoundError(`no compose project ${project} with its files recorded`);
  try {
    const { stdout, stderr } = await execProgram(process.execPath, [BERTH_CLI, ...composeArgs(project, files, verb)], {
      env: { ...process.env, BERTH_HOST: host, NO_COLOR: '1' }, timeout: 10 * 60_000, maxBuffer: 4 << 20,
    });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (err) {
    const e = err as ExecProgramError;
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
