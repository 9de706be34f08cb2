// COPY and ADD: the sources resolved and their content digested for the key when planned; on a
// miss, the files written into a snapshot over the parent (copy-into-root.ts), ADD's local
// archives unpacked, its URLs and heredoc bodies first put in a directory of their own.
import { lstat, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import { digestEntries, keptParents, matchesPatterns, resolveCopySource, resolveCopySources } from './context/mod.js';
import type { AddInstruction, CopyInstruction } from './dockerfile/mod.js';
import { downloadSource, extractArchive, isArchive, isUrl } from './add-sources.js';
import { type Owner, copyIntoRoot, mkdirInRoot } from './copy-into-root.js';
import { commitChange } from './layer-change.js';
import { parseChmod, resolveOwner } from './resolve-owner.js';
import { type RootfsView, openRootfsView } from './rootfs-view.js';
import type { StageState, StepContext, StepPlan } from './step-context.js';
import { topChain } from './step-result.js';

/** The in-root destination: relative ones go on from WORKDIR, a trailing `/` (or `.`) marks a directory. */
export function copyDestination(dest: string, workingDir: string | undefined): string {
  return dest.startsWith('/') ? dest : posix.join(workingDir || '/', dest) + (dest.endsWith('/') || dest === '.' ? '/' : '');
}

/** The flags as history's created_by shows them. */
export function copyFlags(instr: CopyInstruction | AddInstruction): string[] {
  const from = instr.kind === 'COPY' ? instr.from : undefined;
  return [
    ...(from ? [`--from=${from}`] : []),
    ...(instr.chown ? [`--chown=${instr.chown}`] : []),
    ...(instr.chmod ? [`--chmod=${instr.chmod}`] : []),
    ...(instr.link ? ['--link'] : []),
    ...(instr.kind === 'COPY' && instr.parents ? ['--parents'] : []),
  ];
}

export async function planCopy(ctx: StepContext, state: StageState, instr: CopyInstruction | AddInstruction): Promise<StepPlan> {
  const views: RootfsView[] = [];
  const cfg = state.config.config ?? {};
  const from = instr.kind === 'COPY' ? instr.from : undefined;
  let srcRoot = await ctx.sourceRoot(from, views);
  let sources = instr.sources;
  const urls = instr.kind === 'ADD' ? sources.filter(isUrl) : [];
  if (instr.kind === 'COPY' && sources.some(isUrl)) throw new InvalidArgumentError('source can\'t be a URL for COPY');
  // Heredoc bodies and downloads go into a directory of their own, copied like context files.
  if (instr.inlineSources.length > 0 || urls.length > 0) {
    const extra = await mkdtemp(join(ctx.workDir, 'src-'));
    views.push({ path: extra, release: () => rm(extra, { recursive: true, force: true }) });
    const names: string[] = [];
    for (const s of instr.inlineSources) {
      await writeFile(join(extra, s.path), s.data, { mode: 0o644 });
      names.push(s.path);
    }
    for (const u of urls) names.push(await downloadSource(u, extra));
    const local = sources.filter((s) => !isUrl(s));
    if (local.length > 0) throw new InvalidArgumentError('mixing local sources with URLs or heredocs is not supported');
    srcRoot = extra;
    sources = names;
  }
  const excludes = instr.excludes;
  const exclude = excludes.length ? (rel: string) => matchesPatterns(rel, excludes) : undefined;
  let resolved: string[];
  try {
    resolved = await resolveCopySources(ctx.treeFor(srcRoot), sources);
  } catch (err) {
    for (const v of views) await v.release();
    if (err instanceof NotFoundError) throw new NotFoundError(`failed to compute cache key: failed to calculate checksum: ${err.message}`);
    throw err;
  }
  if (resolved.length === 0) {
    for (const v of views) await v.release();
    throw new NotFoundError(`failed to compute cache key: no source files were specified or matched: ${sources.join(' ')}`);
  }
  const contentDigest = await digestEntries(ctx.treeFor(srcRoot), resolved, exclude ? { exclude } : {});
  const tree = ctx.treeFor(srcRoot);
  const parents = instr.kind === 'COPY' && instr.parents ? keptParents(sources, await Promise.all(sources.map((src) => resolveCopySource(tree, src)))) : undefined;
  const mode = instr.chmod ? parseChmod(instr.chmod) : undefined;
  const dest = copyDestination(instr.dest, cfg.WorkingDir);
  const flags = copyFlags(instr);
  const createdBy = `${instr.kind} ${[...flags, ...instr.sources, instr.dest].join(' ')} # buildkit`;
  const preserveOwner = from !== undefined && !urls.length;
  // Another stage or an image is of this store: a remapped daemon's shifted owners are kept.
  const sourceShifted = preserveOwner && !ctx.options.buildContexts?.[from!];
  const idMap = ctx.idMap;
  const link = instr.link;
  return {
    keyParts: [instr.kind, flags, instr.sources, dest, excludes, contentDigest, ...(link && instr.chown && !/^[0-9]+(:[0-9]+)?$/.test(instr.chown) ? [await ownerIn(ctx, state, instr.chown)] : [])],
    ...(link ? { link } : {}),
    createdBy,
    release: async () => {
      for (const v of views.splice(0)) await v.release();
    },
    execute: async () => {
      if (srcRoot === ctx.options.contextDir) await ctx.contextOnDisk();
      const parent = link ? undefined : topChain(state.layers);
      const linkOwner = link && instr.chown ? await ownerIn(ctx, state, instr.chown) : undefined;
      return commitChange(ctx, 'copy', parent, async (root) => {
        const owner = linkOwner ?? (instr.chown ? await resolveOwner(instr.chown, root) : undefined);
        const unpack = instr.kind === 'ADD' && urls.length === 0 && instr.unpack !== false;
        const plain: string[] = [];
        for (const rel of resolved) {
          const full = await resolveInRoot(srcRoot, rel);
          if (unpack && (await isFile(full)) && (await isArchive(full))) {
            // Unpacked into an empty directory first, then copied in with every path resolved
            // inside the root: a symlink in the image can't steer the archive's files out of it.
            await mkdirInRoot(root, dest, owner ?? { uid: 0, gid: 0 }, idMap);
            const unpacked = await mkdtemp(join(ctx.workDir, 'unpack-'));
            try {
              await extractArchive(full, unpacked);
              await copyIntoRoot({ srcRoot: unpacked, sources: ['.'], destRoot: root, dest: dest.endsWith('/') ? dest : `${dest}/`, preserveOwner: true, ...(idMap ? { idMap } : {}) });
            } finally {
              await rm(unpacked, { recursive: true, force: true });
            }
          } else plain.push(rel);
        }
        const copy = (sources: string[], to: string): Promise<unknown> =>
          copyIntoRoot({
            srcRoot,
            sources,
            destRoot: root,
            dest: to,
            ...(owner ? { owner } : {}),
            preserveOwner,
            ...(idMap ? { idMap, sourceShifted } : {}),
            ...(mode !== undefined ? { mode } : {}),
            ...(exclude ? { exclude } : {}),
          });
        if (parents) {
          // Each source keeps its path (below a `/./` pivot, if given) under the destination.
          for (const rel of plain) {
            const kept = parents.get(rel) ?? rel;
            const isDir = (await lstat(await resolveInRoot(srcRoot, rel)).catch(() => undefined))?.isDirectory() ?? false;
            const sub = isDir ? kept : posix.dirname(kept);
            await copy([rel], `${posix.join(dest, sub === '.' ? '' : sub)}/`);
          }
        } else if (plain.length > 0) await copy(plain, dest);
      });
    },
  };
}

/** --chown names looked up in the step's parent (COPY --link copies onto nothing). */
async function ownerIn(ctx: StepContext, state: StageState, chown: string): Promise<Owner> {
  const view = await openRootfsView(ctx.snapshots, ctx.workDir, topChain(state.layers));
  try {
    return await resolveOwner(chown, view.path);
  } finally {
    await view.release();
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
