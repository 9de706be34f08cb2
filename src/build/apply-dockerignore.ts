// The daemon's side of .dockerignore: files the context's ignore file excludes are removed from
// the received context before the build sees it, as dockerd does (the docker CLI filters too, but
// it also sends entries it asks the daemon to drop, like the Dockerfile it added under a private
// name). The walk follows the CLI's rules: an excluded directory is kept only for what a `!`
// pattern may bring back below it. Called after the Dockerfile was read: an excluded Dockerfile
// or ignore file goes too, as with dockerd.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDockerignore, parseDockerignore, PatternMatcher, type ParentMatches } from './context/mod.js';
import type { ReceivedContext } from './context/received-context.js';
import { type TreeReader, directoryTree } from './context/tree-reader.js';

/** The ignore patterns: `<dockerfile>.dockerignore` when the context has it, else `.dockerignore`. */
async function ignorePatterns(context: string | ReceivedContext, dockerfile: string): Promise<string[]> {
  if (typeof context === 'string') return (await loadDockerignore(context, dockerfile)).patterns;
  for (const candidate of [`${dockerfile}.dockerignore`, '.dockerignore']) {
    const text = await context.readFile(candidate);
    if (text) return parseDockerignore(text);
  }
  return [];
}

export async function applyDockerignore(context: string | ReceivedContext, dockerfile: string): Promise<void> {
  const patterns = await ignorePatterns(context, dockerfile);
  if (patterns.length === 0) return;
  const tree: TreeReader = typeof context === 'string' ? directoryTree(context) : context.reader();
  const remove = (rel: string): Promise<void> => (typeof context === 'string' ? rm(join(context, rel), { recursive: true, force: true }) : context.remove(rel));
  const matcher = new PatternMatcher(patterns);
  const walk = async (relDir: string, parent: ParentMatches | undefined): Promise<void> => {
    for (const name of (await tree.readdir(relDir || '.')) ?? []) {
      const rel = relDir ? `${relDir}/${name}` : name;
      const st = await tree.lstat(rel);
      if (!st) continue;
      const { excluded, info } = matcher.matchesUsingParentResults(rel, parent);
      if (st.type === 'dir') {
        if (excluded && !(matcher.hasExclusions && matcher.mayReincludeBelow(rel))) await remove(rel);
        else await walk(rel, info);
      } else if (excluded) {
        await remove(rel);
      }
    }
  };
  await walk('', undefined);
}
