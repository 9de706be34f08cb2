// `cp`: files between the local filesystem and a container, as tar over /containers/{id}/archive.
// Docker's path rules: copying to an existing directory puts the source inside it; to a new path
// names the copy after it; `-` as the local side streams a tar through stdin/stdout.
import { createReadStream } from 'node:fs';
import { open, lstat, mkdir, readdir, readlink, stat, symlink, unlink, chmod, utimes, rm } from 'node:fs/promises';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import tarStream from 'tar-stream';
import { ApiError } from '../../client/api-error.js';
import type { ApiClient } from '../../client/api-client.js';
import type { CommandDefinition } from '../command.js';
import { bool } from '../flags/flag-spec.js';

interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

const GO_DIR = 2 ** 31;

function splitContainerArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.') || arg === '-') return { path: arg };
  const i = arg.indexOf(':');
  if (i <= 0) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

async function statInContainer(client: ApiClient, id: string, path: string): Promise<PathStat | undefined> {
  let res;
  try {
    res = await client.send('HEAD', `/containers/${encodeURIComponent(id)}/archive`, { query: { path } });
  } catch (err) {
    if (err instanceof ApiError && err.statusCode === 404) return undefined;
    throw err;
  }
  res.resume();
  const header = res.headers['x-docker-container-path-stat'];
  return JSON.parse(Buffer.from(String(header), 'base64').toString('utf8')) as PathStat;
}

/** A local file or tree as a tar whose top entry is `top`. */
function packLocal(src: string, top: string, followLink: boolean): Readable {
  const pack = tarStream.pack();
  const add = async (abs: string, name: string, follow: boolean): Promise<void> => {
    const st = follow ? await stat(abs) : await lstat(abs);
    const base = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
    if (st.isDirectory()) {
      pack.entry({ ...base, type: 'directory' });
      for (const n of (await readdir(abs)).sort()) await add(join(abs, n), `${name}/${n}`, false);
    } else if (st.isSymbolicLink()) {
      pack.entry({ ...base, type: 'symlink', linkname: await readlink(abs) });
    } else if (st.isFile()) {
      await new Promise<void>((res, rej) => {
        const w = pack.entry({ ...base, type: 'file', size: st.size }, (err) => (err ? rej(err) : res()));
        createReadStream(abs).on('error', rej).pipe(w);
      });
    }
  };
  void add(src, top, followLink).then(() => pack.finalize(), (err: Error) => pack.destroy(err));
  // tar-stream's streams are streamx ones; they pipe like Node's.
  return pack as unknown as Readable;
}

/** Unpacks a tar from the daemon under `destDir`, renaming the top entry `from` to `to`. */
async function unpackLocal(tar: Readable, destDir: string, from: string, to: string): Promise<void> {
  const extract = tarStream.extract();
  tar.pipe(extract);
  for await (const entry of extract) {
    const h = entry.header;
    let name = h.name.replace(/\/$/, '');
    if (name === from || name.startsWith(`${from}/`)) name = to + name.slice(from.length);
    const rel = posix.normalize(name);
    if (rel.startsWith('../') || rel === '..' || posix.isAbsolute(rel)) {
      entry.resume();
      continue;
    }
    const target = join(destDir, rel);
    const mode = (h.mode ?? 0o644) & 0o7777;
    if (h.type === 'directory') {
      await mkdir(target, { recursive: true });
      await chmod(target, mode);
      entry.resume();
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    const old = await lstat(target).catch(() => undefined);
    if (old?.isDirectory()) await rm(target, { recursive: true });
    else if (old) await unlink(target);
    if (h.type === 'symlink') {
      await symlink(h.linkname ?? '', target);
      entry.resume();
    } else if (h.type === 'file' || h.type === 'contiguous-file') {
      const fh = await open(target, 'w', mode);
      try {
        for await (const chunk of entry) await fh.write(chunk as Buffer);
      } finally {
        await fh.close();
      }
      await chmod(target, mode);
      if (h.mtime) await utimes(target, h.mtime, h.mtime);
    } else entry.resume();
  }
}

export const cpCommand: CommandDefinition = {
  name: 'cp',
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  description: 'Copy files/folders between a container and the local filesystem',
  aliases: ['container cp'],
  flags: [
    bool('archive', 'a', 'Archive mode (copy all uid/gid information)'),
    bool('follow-link', 'L', 'Always follow symbol link in SRC_PATH'),
    bool('quiet', 'q', 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached'),
  ],
  args: { min: 2, max: 2 },
  async run(ctx, cmd) {
    const src = splitContainerArg(cmd.args[0]!);
    const dst = splitContainerArg(cmd.args[1]!);
    if (src.container && dst.container) throw new Error('copying between containers is not supported');
    if (!src.container && !dst.container) throw new Error('must specify at least one container source');
    const client = await ctx.client();
    const follow = Boolean(cmd.flags['follow-link']);
    if (src.container) {
      let path = src.path;
      const get = async (p: string): Promise<{ res: IncomingMessage; st: PathStat }> => {
        try {
          const res = await client.send('GET', `/containers/${encodeURIComponent(src.container!)}/archive`, { query: { path: p } });
          return { res, st: JSON.parse(Buffer.from(String(res.headers['x-docker-container-path-stat']), 'base64').toString('utf8')) as PathStat };
        } catch (err) {
          if (err instanceof ApiError) throw new Error(`Error response from daemon: ${err.message}`);
          throw err;
        }
      };
      let { res, st } = await get(path);
      if (follow && st.linkTarget) {
        res.resume();
        path = st.linkTarget;
        ({ res, st } = await get(path));
      }
      if (dst.path === '-') {
        await pipeline(res, ctx.stdout);
        return;
      }
      const top = posix.basename(path.replace(/\/+$/, '')) || '/';
      const local = resolve(dst.path);
      const dstStat = await stat(local).catch(() => undefined);
      if (dstStat?.isDirectory() && !dst.path.endsWith('/.')) await unpackLocal(res, local, top, top);
      else {
        if (!dstStat && dst.path.endsWith('/') && (st.mode & GO_DIR) === 0) throw new Error(`destination directory ${dst.path} does not exist`);
        await unpackLocal(res, dirname(local), top, basename(local));
      }
      ctx.stderr.write('');
      return;
    }
    const id = dst.container!;
    if (src.path === '-') {
      await client.call('PUT', `/containers/${encodeURIComponent(id)}/archive`, { query: { path: dst.path }, body: ctx.stdin, headers: { 'Content-Type': 'application/x-tar' } });
      return;
    }
    const local = resolve(src.path);
    await lstat(local).catch(() => {
      throw new Error(`lstat ${local}: no such file or directory`);
    });
    let dstPath = dst.path;
    let dstStat = await statInContainer(client, id, dstPath);
    if (dstStat?.linkTarget) {
      dstPath = dstStat.linkTarget;
      dstStat = await statInContainer(client, id, dstPath);
    }
    let dir: string;
    let top: string;
    if (dstStat && (dstStat.mode & GO_DIR) !== 0) {
      dir = dstPath;
      top = basename(local);
    } else {
      dir = posix.dirname(dstPath.replace(/\/+$/, '')) || '/';
      top = posix.basename(dstPath.replace(/\/+$/, ''));
    }
    try {
      await client.call('PUT', `/containers/${encodeURIComponent(id)}/archive`, {
        query: { path: dir, copyUIDGID: cmd.flags.archive ? '1' : undefined },
        body: packLocal(local, top, follow),
        headers: { 'Content-Type': 'application/x-tar' },
      });
    } catch (err) {
      if (err instanceof ApiError) throw new Error(`Error response from daemon: ${err.message}`);
      throw err;
    }
  },
};
