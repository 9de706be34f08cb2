// Reading .dockerignore: comments, blank lines, whitespace, `!` exceptions, paths cleaned and
// made relative (`/foo` ≡ `foo`). A `<Dockerfile>.dockerignore` beside a custom Dockerfile takes
// precedence over the context's `.dockerignore`.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { isErrno } from '../../errors.js';
import { cleanPath } from './clean-path.js';
import { matchesPatterns } from './pattern-matcher.js';

/** The patterns of an ignore file, normalised as docker does. */
export function parseDockerignore(text: string | Uint8Array): string[] {
  let s = typeof text === 'string' ? text : new TextDecoder().decode(text);
  if (s.startsWith('\uFEFF')) s = s.slice(1);
  const out: string[] = [];
  for (const rawLine of s.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    out.push(invert ? '!' + pattern : pattern);
  }
  return out;
}

export interface IgnoreFile {
  /** Context-relative path of the file read, or undefined when there is none. */
  path?: string;
  patterns: string[];
}

/**
 * Finds the ignore file for a build: `<dockerfile>.dockerignore` next to the Dockerfile when it
 * exists, else `.dockerignore` at the context root. `dockerfile` is relative to the context (or
 * absolute).
 */
export async function loadDockerignore(contextDir: string, dockerfile = 'Dockerfile'): Promise<IgnoreFile> {
  const dfPath = isAbsolute(dockerfile) ? dockerfile : join(contextDir, dockerfile);
  for (const candidate of [`${dfPath}.dockerignore`, join(contextDir, '.dockerignore')]) {
    try {
      const text = await readFile(candidate);
      return { path: relative(contextDir, candidate), patterns: parseDockerignore(text) };
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    }
  }
  return { patterns: [] };
}

/**
 * The docker CLI always sends the Dockerfile and .dockerignore, even when ignored: it appends
 * exceptions for them when a pattern excludes them.
 */
export function keepBuildFiles(patterns: readonly string[], dockerfile: string | undefined, ignoreFile = '.dockerignore'): string[] {
  const out = [...patterns];
  for (const f of [ignoreFile, dockerfile]) {
    if (!f) continue;
    const rel = cleanPath(f.replace(/\\/g, '/'));
    if (rel.startsWith('../') || rel.startsWith('/')) continue;
    if (matchesPatterns(rel, out)) out.push('!' + rel);
  }
  return out;
}
