// The corpus of inputs that once failed: test/fuzz-corpus/<target>/<digest>.json, kept in git.
// The long runs write to it; the short runs in the suite replay every file of it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_SOURCES } from '../repo-paths.js';
import type { FuzzInput } from './fuzz-target.js';

export const CORPUS_DIR = join(TEST_SOURCES, 'fuzz-corpus');

interface CorpusFile {
  target: string;
  /** Exactly one of text and base64 holds the input. */
  text?: string;
  base64?: string;
  /** Why it failed when it was found (kept for the record). */
  failure: string;
  found: string;
}

export interface CorpusEntry {
  file: string;
  input: FuzzInput;
  failure: string;
}

export function readCorpus(target: string): CorpusEntry[] {
  const dir = join(CORPUS_DIR, target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CorpusFile;
      const input = c.base64 !== undefined ? new Uint8Array(Buffer.from(c.base64, 'base64')) : (c.text ?? '');
      return { file: join(dir, f), input, failure: c.failure };
    });
}

/** Saves a failing input (idempotent: the file is named by the input's digest). */
export function saveToCorpus(target: string, input: FuzzInput, failure: string): string {
  const dir = join(CORPUS_DIR, target);
  mkdirSync(dir, { recursive: true });
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  const file = join(dir, `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.json`);
  const body: CorpusFile = {
    target,
    ...(typeof input === 'string' ? { text: input } : { base64: bytes.toString('base64') }),
    failure: failure.split('\n')[0]!,
    found: new Date().toISOString().slice(0, 10),
  };
  writeFileSync(file, `${JSON.stringify(body, null, 1)}\n`);
  return file;
}
