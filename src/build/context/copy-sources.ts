// What a COPY/ADD source names in its source tree, and where each match lands. Rules (BuildKit's
// file copy): a source with glob characters is split at its first globbing element; everything
// below the fixed part is walked in lexical order and each path whose remainder matches
// (filepath.Match, `*` within one element) is taken — a matching directory is taken whole and
// not descended into. A directory source copies its *contents*, not itself. The destination is
// a directory when it ends in `/` or already is one; a file then lands as dest/<name>.
import { NotFoundError } from '../../errors.js';
import { type TreeReader, directoryTree } from './tree-reader.js';
import { cleanPath } from './clean-path.js';
import { containsWildcards, globMatch } from './glob-match.js';

/** Splits `a/b/*.txt/c` into the fixed part `a/b` and the glob part `*.txt/c`. */
export function splitWildcards(src: string): { fixed: string; glob: string } {
  const parts = cleanPath(src).split('/');
  const fixed: string[] = [];
  const glob: string[] = [];
  let found = false;
  for (const p of parts) {
    if (!found && containsWildcards(p)) found = true;
    (found ? glob : fixed).push(p === '' ? '/' : p);
  }
  return { fixed: cleanPath(fixed.join('/')), glob: glob.length ? cleanPath(glob.join('/')) : '' };
}

/** Turns a source as written (`./a/../b`, `/x`) into a path relative to the tree root. */
export function sourceRelative(src: string): string {
  const c = cleanPath('/' + src);
  return c === '/' ? '.' : c.slice(1);
}

/**
 * The paths (relative to `root`, sorted as a lexical walk finds them) a source names. A source
 * without glob characters names itself, whether it exists or not; a glob naming nothing gives [].
 */
export async function resolveCopySource(root: string | TreeReader, src: string): Promise<string[]> {
  const tree = typeof root === 'string' ? directoryTree(root) : root;
  const rel = sourceRelative(src);
  const { fixed, glob } = splitWildcards(rel);
  if (glob === '') return [rel];
  const out: string[] = [];
  const walk = async (dir: string, relDir: string): Promise<void> => {
    const names = await tree.readdir(dir);
    if (!names) return;
    for (const name of names) {
      const r = relDir ? `${relDir}/${name}` : name;
      const path = dir === '.' ? name : `${dir}/${name}`;
      if (globMatch(glob, r)) {
        out.push(fixed === '.' ? r : `${fixed}/${r}`);
        continue; // a matching directory is taken whole
      }
      if ((await tree.lstat(path))?.type === 'dir') await walk(path, r);
    }
  };
  await walk(fixed, '');
  return out;
}

/** All sources of one COPY resolved; a missing plain source or an empty glob set is an error. */
export async function resolveCopySources(root: string | TreeReader, sources: readonly string[]): Promise<string[]> {
  const tree = typeof root === 'string' ? directoryTree(root) : root;
  const out: string[] = [];
  for (const src of sources) {
    const matches = await resolveCopySource(tree, src);
    if (!containsWildcards(sourceRelative(src)) && !(await tree.lstat(matches[0]!))) {
      throw new NotFoundError(`"/${matches[0] === '.' ? '' : matches[0]}": not found`);
    }
    out.push(...matches);
  }
  return out;
}

/**
 * COPY --parents: for each path a source named, the part of it kept under the destination — all
 * of it, or what follows the source's `/./` pivot. `matches[i]` are the paths `sources[i]` named.
 */
export function keptParents(sources: readonly string[], matches: readonly (readonly string[])[]): Map<string, string> {
  const out = new Map<string, string>();
  sources.forEach((src, i) => {
    const at = src.indexOf('/./');
    const pivot = at > 0 ? sourceRelative(src.slice(0, at)) : undefined;
    for (const rel of matches[i] ?? []) {
      const below = pivot !== undefined && pivot !== '.' && rel.startsWith(`${pivot}/`);
      out.set(rel, below ? rel.slice(pivot.length + 1) : rel);
    }
  });
  return out;
}

export interface CopyTargetInput {
  /** The source path (its last element names a copied file). */
  source: string;
  sourceIsDir: boolean;
  /** The destination as written after expansion (a trailing `/` matters). */
  dest: string;
  /** Whether the destination already exists as a directory in the target tree. */
  destIsExistingDir: boolean;
}

/**
 * Where one source lands: `{ path, contentsOf }` — for a directory source its contents go into
 * `path`; for a file `path` is the file to write.
 */
export function copyTarget(input: CopyTargetInput): { path: string; contentsOf: boolean } {
  const destIsDir = input.dest.endsWith('/') || input.destIsExistingDir;
  const dest = cleanPath(input.dest);
  if (input.sourceIsDir) return { path: dest, contentsOf: true };
  if (!destIsDir) return { path: dest, contentsOf: false };
  const name = cleanPath(input.source).split('/').pop()!;
  return { path: dest === '/' ? `/${name}` : `${dest}/${name}`, contentsOf: false };
}
