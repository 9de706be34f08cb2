// RUN --mount: the step's mounts made from what its instruction asks — cache directories (taken
// in one order, so locked ones can't deadlock), binds of a source tree, secrets (bound as a file
// or put in an env variable), tmpfs — as the spec mounts the runtime gets.
import { randomBytes } from 'node:crypto';
import { chmod, chown, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import { hostOwner } from '../oci/id-map.js';
import type { SpecMount } from '../runtime/spec/spec-input.js';
import type { RunInstruction } from './dockerfile/mod.js';
import type { CacheMountLease } from './cache-mounts.js';
import type { RootfsView } from './rootfs-view.js';
import type { RunContext, StepContext } from './step-context.js';

export type RunMount = RunInstruction['mounts'][number];

/** A mount's target in the step's root: relative ones go on from WORKDIR. */
export function mountTarget(m: RunMount, workingDir: string): string | undefined {
  return m.target ? (m.target.startsWith('/') ? m.target : posix.join(workingDir, m.target)) : undefined;
}

/** The cache mounts of `mounts` with their ids (the target where none is given), sorted by id. */
export function cacheMountOrder(mounts: readonly RunMount[], workingDir: string): Array<{ m: RunMount; id: string }> {
  return mounts
    .filter((m) => m.type === 'cache')
    .map((m) => {
      const target = mountTarget(m, workingDir);
      if (!target) throw new InvalidArgumentError('mount type cache requires a target');
      return { m, id: m.id ?? target };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The cache mounts of a RUN step, taken in one order (by id) so that locked ones can't deadlock. */
export async function acquireCacheMounts(ctx: RunContext, mounts: readonly RunMount[], workingDir: string, roots: Map<RunMount, string>): Promise<Array<CacheMountLease & { mount: RunMount }>> {
  const out: Array<CacheMountLease & { mount: RunMount }> = [];
  const map = ctx.idMap;
  try {
    for (const { m, id } of cacheMountOrder(mounts, workingDir)) {
      // from=: a new cache starts as a copy of that stage's or image's source directory.
      const root = m.from ? roots.get(m) : undefined;
      const seed = root !== undefined ? { root, path: m.source ?? '/' } : undefined;
      // A remapped step's root owns a new cache (or the mount's uid/gid, shifted like files).
      const uid = m.uid ?? (map ? 0 : undefined);
      const gid = m.gid ?? (map ? 0 : undefined);
      const lease = await ctx.cacheMounts.acquire(id, {
        ...(m.sharing ? { sharing: m.sharing } : {}),
        ...(m.mode !== undefined ? { mode: m.mode } : {}),
        ...(uid !== undefined ? { uid: hostOwner(uid, map, 'uidMappings') } : {}),
        ...(gid !== undefined ? { gid: hostOwner(gid, map, 'gidMappings') } : {}),
        ...(seed ? { seed } : {}),
      });
      out.push({ ...lease, mount: m });
    }
  } catch (err) {
    for (const l of out) l.release();
    throw err;
  }
  return out;
}

/** What a step's mounts need besides the instruction: its trees, cache directories, heredoc program. */
export interface MountInputs {
  workingDir: string;
  program: { path: string; body: string } | undefined;
  /** The trees bind mounts and cache mounts with from= read (a stage, an image, a context). */
  sourceRoots: Map<RunMount, string>;
  cacheDirs: Map<RunMount, string>;
  /** Views opened here (a bind's tree not opened when planning) join these. */
  views: RootfsView[];
}

/** The spec mounts of a step, and the variables secrets with env= add to its environment. */
export async function stepMounts(ctx: StepContext, mounts: readonly RunMount[], i: MountInputs): Promise<{ mounts: SpecMount[]; env: string[] }> {
  const out: SpecMount[] = [];
  const env: string[] = [];
  if (i.program) {
    const file = join(ctx.workDir, `program-${randomBytes(8).toString('hex')}`);
    await writeFile(file, i.program.body, { mode: 0o755 });
    out.push({ type: 'bind', source: file, destination: i.program.path, readOnly: true });
  }
  for (const m of mounts) {
    const target = mountTarget(m, i.workingDir);
    if (m.type === 'cache') {
      out.push({ type: 'bind', source: i.cacheDirs.get(m)!, destination: target!, readOnly: m.readOnly });
    } else if (m.type === 'bind') {
      if (!target) throw new InvalidArgumentError('mount type bind requires a target');
      const root = i.sourceRoots.get(m) ?? (await ctx.sourceRoot(m.from, i.views));
      const src = await resolveInRoot(root, m.source ?? '/');
      out.push({ type: 'bind', source: src, destination: target, readOnly: true });
    } else if (m.type === 'secret') {
      const id = m.id ?? (m.target ? posix.basename(m.target) : undefined);
      const file = id !== undefined ? ctx.options.secrets?.[id] : undefined;
      if (!file) {
        if (m.required) throw new InvalidArgumentError(`secret ${id ?? ''} not found`);
        continue;
      }
      // env= puts the secret in a variable (of this step only, never in the image or the key);
      // with env= and no target, nothing is mounted.
      if (m.env) env.push(`${m.env}=${(await readFile(file, 'utf8')).replace(/\n$/, '')}`);
      if (!m.env || m.target) out.push({ type: 'bind', source: await secretForStep(ctx, file), destination: target ?? `/run/secrets/${id}`, readOnly: true });
    } else if (m.type === 'tmpfs') {
      if (!target) throw new InvalidArgumentError('mount type tmpfs requires a target');
      out.push({ type: 'tmpfs', destination: target, options: m.sizeLimit ? [`size=${m.sizeLimit}`] : [] });
    } else {
      throw new InvalidArgumentError(`mount type ${m.type} is not supported by this builder`);
    }
  }
  return { mounts: out, env };
}

/**
 * The file a secret is bound from: the host's own, or on a remapped daemon a copy the step's
 * root can read (0400, owned by the remapped root, as BuildKit's default secret owner is root).
 */
async function secretForStep(ctx: StepContext, file: string): Promise<string> {
  const map = ctx.idMap;
  if (!map) return file;
  const copy = join(ctx.workDir, `secret-${randomBytes(8).toString('hex')}`);
  await copyFile(file, copy);
  await chown(copy, hostOwner(0, map, 'uidMappings'), hostOwner(0, map, 'gidMappings'));
  await chmod(copy, 0o400);
  return copy;
}
