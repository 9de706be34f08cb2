// The daemon's side of .dockerignore: files the context's ignore file excludes are removed from
// the unpacked context before the build sees it, as dockerd does (the docker CLI filters too, but
// it also sends entries it asks the daemon to drop, like the Dockerfile it added under a private
// name). The walk follows the CLI's rules: an excluded directory is kept only for what a `!`
// pattern may bring back below it. Called after the Dockerfile was read: an excluded Dockerfile
// or ignore file goes too, as with dockerd.
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDockerignore, PatternMatcher, type ParentMatches } from './context/mod.js';

export async function applyDockerignore(contextDir: string, dockerfile: string): Promise<void> {
  const ignore = await loadDockerignore(contextDir, dockerfile);
  if (ignore.patterns.length === 0) return;
  const matcher = new PatternMatcher(ignore.patterns);
  const walk = async (relDir: string, parent: ParentMatches | undefined): Promise<void> => {
    for (const name of await readdir(relDir ? join(contextDir, relDir) : contextDir)) {
      const rel = relDir ? `${relDir}/${name}` : name;
      const full = join(contextDir, rel);
      const st = await lstat(full);
      const { excluded, info } = matcher.matchesUsingParentResults(rel, parent);
      if (st.isDirectory()) {
        if (excluded && !(matcher.hasExclusions && matcher.mayReincludeBelow(rel))) await rm(full, { recursive: true, force: true });
        else await walk(rel, info);
      } else if (excluded) {
        await rm(full, { force: true });
      }
    }
  };
  await walk('', undefined);
}
