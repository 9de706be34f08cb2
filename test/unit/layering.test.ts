// The architecture as a check (docs/architecture.md): every import in src/ goes downwards, no two
// files import each other in a circle, routes write through api/http and never through another
// route or the server, and a long file says why it is long.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../support/repo-paths.js';

const SRC = join(REPO_ROOT, 'src');

const BASE = ['errors', 'engine-api-version', 'oci', 'fsutil', 'units'];
const STORE = [...BASE, 'db', 'events', 'filters', 'sys', 'content', 'snapshot'];
const SERVICES = [...STORE, 'runtime', 'registry/client', 'network', 'image', 'volume', 'container', 'build', 'build/dockerfile', 'build/context', 'system', 'pod'];

/** What each area may import besides itself; every folder of src/ must be listed. */
const ALLOWED: Record<string, string[]> = {
  errors: [],
  units: [],
  'engine-api-version': [],
  'detach-keys': ['errors'],
  oci: ['errors'],
  fsutil: ['errors'],
  filters: ['errors'],
  sys: ['errors'],
  db: [],
  events: ['errors', 'filters'],
  content: ['errors', 'oci', 'fsutil'],
  snapshot: ['errors', 'oci', 'fsutil', 'sys', 'content'],
  runtime: ['errors', 'oci', 'fsutil', 'sys', 'snapshot'],
  'registry/client': ['errors', 'oci', 'fsutil', 'filters', 'content'],
  'registry/server': ['errors', 'oci', 'fsutil', 'content', 'db', 'filters'],
  network: ['errors', 'oci', 'fsutil', 'sys', 'db', 'events', 'filters'],
  image: ['errors', 'oci', 'fsutil', 'sys', 'db', 'events', 'filters', 'content', 'snapshot', 'registry/client', 'build/dockerfile'],
  volume: ['errors', 'oci', 'fsutil', 'sys', 'db', 'events', 'filters', 'content', 'snapshot', 'runtime', 'image'],
  container: ['errors', 'detach-keys', 'oci', 'fsutil', 'sys', 'db', 'events', 'filters', 'content', 'snapshot', 'runtime', 'image', 'volume', 'network'],
  /** Pods: an infra container and its members, over the container service. */
  pod: ['errors', 'detach-keys', 'oci', 'fsutil', 'sys', 'db', 'events', 'filters', 'content', 'snapshot', 'runtime', 'image', 'volume', 'network', 'container'],
  'build/dockerfile': ['errors', 'oci'],
  'build/context': ['errors', 'oci', 'fsutil', 'sys', 'snapshot', 'content'],
  build: ['errors', 'oci', 'fsutil', 'sys', 'db', 'events', 'filters', 'content', 'snapshot', 'runtime', 'image', 'container', 'volume', 'network', 'registry/client', 'build/dockerfile', 'build/context'],
  /** Services that span the others (system df, system prune). */
  system: [...STORE, 'runtime', 'registry/client', 'network', 'image', 'volume', 'container', 'build', 'build/dockerfile', 'build/context'],
  'api/http': [...BASE, 'filters'],
  'api/routes': [...SERVICES, 'registry/server', 'api/http'],
  api: [...SERVICES, 'registry/server', 'api/http', 'api/routes'],
  /** The dashboard's server side: its own listener in front of the API router. */
  ui: [...SERVICES, 'api/http'],
  /** The dashboard's front end, bundled for the browser: nothing of berth's server side. */
  'ui/web': [],
  daemon: [...SERVICES, 'registry/server', 'api', 'api/http', 'api/routes', 'ui'],
  client: ['errors', 'oci', 'engine-api-version'],
  launcher: [], // loads the CLI by URL, imports none of it
  compose: ['errors', 'oci', 'engine-api-version', 'client', 'filters'],
  /** `berth kube`: client-side like compose, and it reads compose projects. */
  kube: ['errors', 'oci', 'engine-api-version', 'client', 'filters', 'compose'],
  cli: ['errors', 'detach-keys', 'oci', 'engine-api-version', 'client', 'registry/client', 'registry/server', 'build/context', 'build/dockerfile', 'fsutil', 'filters', 'compose', 'kube'],
};

/** Leaves every area may use (they import nothing of berth's). */
const EVERYWHERE = new Set(['errors', 'units']);

/** Upward imports allowed for types only (erased at run time): routes are handed the engine. */
const TYPE_ONLY: Record<string, string[]> = {
  'api/routes': ['daemon'],
  api: ['daemon'],
};

function areaOf(file: string): string {
  const rel = relative(SRC, file).replace(/\.ts$/, '').replace(/\\/g, '/');
  const parts = rel.split('/');
  if (parts.length === 1) return parts[0]!;
  const [top, sub] = parts;
  if (top === 'registry') return `registry/${sub}`;
  if (top === 'api' && parts.length > 2) return `api/${sub}`;
  if (top === 'ui' && parts.length > 2 && sub === 'web') return 'ui/web';
  if (top === 'build' && parts.length > 2 && (sub === 'dockerfile' || sub === 'context')) return `build/${sub}`;
  return top!;
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

interface Edge {
  to: string;
  typeOnly: boolean;
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const edges: Edge[] = [];
  const re = /(?:^|\n)\s*(import\s+type\b|export\s+type\b|import|export)[^;'"]*?from\s+'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[2] ?? m[3]!;
    edges.push({ to: resolve(dirname(file), spec).replace(/\.js$/, '.ts'), typeOnly: /type$/.test(m[1] ?? '') });
  }
  return edges;
}

const files = [...walk(SRC)];
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const name = (f: string): string => relative(SRC, f);

it('every folder of src/ is placed in the layering table', () => {
  const unplaced = [...new Set(files.map(areaOf))].filter((a) => !(a in ALLOWED));
  assert.deepEqual(unplaced, []);
});

it('imports go downwards only', () => {
  const violations: string[] = [];
  for (const [file, edges] of graph) {
    const from = areaOf(file);
    const allowed = ALLOWED[from] ?? [];
    for (const e of edges) {
      const to = areaOf(e.to);
      if (to === from || allowed.includes(to) || EVERYWHERE.has(to)) continue;
      if (e.typeOnly && TYPE_ONLY[from]?.includes(to)) continue;
      violations.push(`${name(file)} → ${name(e.to)} (${from} → ${to}${e.typeOnly ? ', type' : ''})`);
    }
  }
  assert.deepEqual(violations, []);
});

it('routes import neither another route nor the server', () => {
  const violations: string[] = [];
  for (const [file, edges] of graph) {
    if (areaOf(file) !== 'api/routes') continue;
    for (const e of edges) {
      const to = name(e.to);
      if (areaOf(e.to) === 'api/routes' || to === 'api/server.ts') violations.push(`${name(file)} → ${to}`);
    }
  }
  assert.deepEqual(violations, []);
});

it('no import cycles between files of src/ (types included)', () => {
  // Tarjan's strongly connected components over the file graph.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const { to } of graph.get(v) ?? []) {
      if (!graph.has(to)) continue;
      if (!idx.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, idx.get(to)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(name(w));
      } while (w !== v);
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});

it('a source file over 400 lines says why at its top', () => {
  const unexplained: string[] = [];
  for (const f of files) {
    const lines = readFileSync(f, 'utf8').split('\n');
    if (lines.length <= 400) continue;
    if (!lines.slice(0, 5).some((l) => /^\/\/ Long file: \S/.test(l))) unexplained.push(`${name(f)} (${lines.length} lines)`);
  }
  assert.deepEqual(unexplained, []);
});
