// Lower layers never import upper ones (docs/architecture.md): a check over every import in src/.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');

/** What each area may import besides itself. */
const ALLOWED: Record<string, string[]> = {
  errors: [],
  'engine-api-version': [],
  oci: ['errors'],
  fsutil: ['errors'],
  db: [],
  filters: ['errors'],
  events: ['errors', 'filters'],
  content: ['errors', 'oci', 'fsutil'],
  snapshot: ['errors', 'oci', 'fsutil', 'content'],
  runtime: ['errors', 'oci', 'fsutil', 'snapshot'],
  'registry/client': ['errors', 'oci', 'fsutil', 'content'],
  'registry/server': ['errors', 'oci', 'fsutil', 'content', 'db'],
  network: ['errors', 'filters', 'oci', 'fsutil', 'db', 'events', 'snapshot'],
  image: ['errors', 'filters', 'oci', 'fsutil', 'db', 'events', 'content', 'snapshot', 'registry/client', 'build/dockerfile'],
  volume: ['errors', 'filters', 'oci', 'fsutil', 'db', 'events', 'content', 'snapshot', 'runtime', 'image'],
  container: ['errors', 'filters', 'oci', 'fsutil', 'db', 'events', 'content', 'snapshot', 'runtime', 'image', 'volume', 'network'],
  'build/dockerfile': ['errors', 'oci'],
  'build/context': ['errors', 'oci', 'fsutil', 'snapshot', 'content'],
  build: ['errors', 'filters', 'oci', 'fsutil', 'db', 'events', 'content', 'snapshot', 'runtime', 'image', 'container', 'volume', 'network', 'registry/client', 'build/dockerfile', 'build/context'],
  client: ['errors', 'oci', 'engine-api-version'],
  cli: ['errors', 'oci', 'client', 'registry/client', 'registry/server', 'build/context', 'build/dockerfile', 'fsutil'],
};

function areaOf(file: string): string {
  const rel = relative(SRC, file).replace(/\.ts$/, '').replace(/\\/g, '/');
  if (rel === 'errors') return 'errors';
  const [top, sub] = rel.split('/');
  if (top === 'registry' || (top === 'build' && (sub === 'dockerfile' || sub === 'context'))) return `${top}/${sub}`;
  return top!;
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

it('imports go downwards only', () => {
  const violations: string[] = [];
  for (const file of walk(SRC)) {
    const from = areaOf(file);
    const allowed = ALLOWED[from];
    if (!allowed) continue; // api, daemon, ui: the top may import anything
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts');
      const to = areaOf(target);
      if (to !== from && !allowed.includes(to)) violations.push(`${relative(SRC, file)} → ${relative(SRC, target)} (${from} → ${to})`);
    }
  }
  assert.deepEqual(violations, []);
});
