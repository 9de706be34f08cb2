// `POST /build?remote=…`: a context the daemon fetches itself. An http(s) URL gives either a tar
// (plain or gzip: unpacked as the context) or a Dockerfile (the whole context); a git URL
// (`https://…/repo.git#ref:subdir`, `git@…`, `git://…`) is cloned shallowly.
import { createReadStream } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { InvalidArgumentError } from '../errors.js';
import { type ExecProgramError, execProgram } from '../sys/exec-program.js';
import { isArchive } from './add-sources.js';
import { unpackContext } from './context/mod.js';

function isGitUrl(remote: string): boolean {
  return /^git@|^git:\/\//.test(remote) || /^https?:\/\/[^#]+\.git(#|$)/.test(remote) || remote.startsWith('github.com/');
}

async function git(args: string[], cwd?: string): Promise<void> {
  await execProgram('git', args, { ...(cwd ? { cwd } : {}), env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).catch((err: ExecProgramError) => {
    throw new InvalidArgumentError(`error fetching git context: ${(err.stderr || err.message).trim()}`);
  });
}

/** Fills `dir` (empty) with the remote context; returns the Dockerfile name to use when it is implied. */
export async function fetchRemoteContext(remote: string, dir: string, scratch: string): Promise<string | undefined> {
  if (isGitUrl(remote)) {
    const [url, fragment = ''] = remote.split('#', 2) as [string, string?];
    const [ref, subdir] = fragment.split(':', 2);
    const clone = await mkdtemp(join(scratch, 'git-'));
    try {
      await git(['clone', '--quiet', '--depth', '1', ...(ref ? ['--branch', ref] : []), remote.startsWith('github.com/') ? `https://${url}` : url, clone]);
      await rm(join(clone, '.git'), { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
      await rename(subdir ? join(clone, subdir) : clone, dir);
    } finally {
      await rm(clone, { recursive: true, force: true });
    }
    return undefined;
  }
  if (!/^https?:\/\//i.test(remote)) throw new InvalidArgumentError(`unable to prepare context: unsupported remote ${JSON.stringify(remote)}`);
  let res: Response;
  try {
    res = await fetch(remote);
  } catch (err) {
    throw new InvalidArgumentError(`unable to download remote context ${remote}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new InvalidArgumentError(`unable to download remote context ${remote}: ${res.status} ${res.statusText}`);
  const file = join(scratch, `remote-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  try {
    if (await isArchive(file)) {
      const head = createReadStream(file, { start: 0, end: 1 });
      let gz = false;
      for await (const b of head) gz = (b as Buffer)[0] === 0x1f && (b as Buffer)[1] === 0x8b;
      const body = createReadStream(file);
      await unpackContext(gz ? body.pipe(createGunzip()) : body, dir);
      return undefined;
    }
    // Anything else is taken as the Dockerfile itself.
    await rename(file, join(dir, 'Dockerfile'));
    return 'Dockerfile';
  } finally {
    await rm(file, { force: true });
  }
}
