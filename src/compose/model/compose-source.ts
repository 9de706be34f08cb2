// A compose file read into plain data plus the line each key path starts on, so every later step
// (interpolation, validation, merge, cycle detection) can name file, line and key in its errors.
// Paths are written `services.web.ports[0]`.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ComposeFileError, type SourcePosition } from './compose-file-error.js';

export interface ComposeSource {
  /** Absolute path (or `-` for stdin). */
  file: string;
  /** The document as plain data (aliases and `<<` merges resolved). */
  data: Record<string, unknown>;
  /** Line of each key path. */
  lines: Map<string, number>;
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Parses YAML text; malformed YAML and a non-mapping top level fail with file and line. */
export function parseComposeSource(file: string, text: string): ComposeSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new ComposeFileError({ file, line }, '', `malformed YAML: ${firstLine(first.message)}`);
  }
  const lines = new Map<string, number>();
  const lineOf = (n: { range?: [number, number, number] | null } | null | undefined): number =>
    n?.range ? lineCounter.linePos(n.range[0]).line : 0;
  const walk = (node: unknown, path: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (key === '<<') continue;
        const p = childPath(path, key);
        lines.set(p, lineOf(pair.key as Node | null));
        walk(pair.value, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = childPath(path, i);
        lines.set(p, lineOf(item as Node | null));
        walk(item, p);
      });
    } else if (isAlias(node)) {
      // The alias's own line stands for everything under it.
    }
  };
  walk(doc.contents, '');
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 10000 });
  } catch (err) {
    throw new ComposeFileError({ file, line: 0 }, '', `malformed YAML: ${(err as Error).message}`);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ComposeFileError({ file, line: lineOf(doc.contents as Node | null) || 1 }, '', 'Top-level object must be a mapping');
  }
  return { file, data: data as Record<string, unknown>, lines };
}

/** The position of a path, or of its nearest ancestor that has one. */
export function positionOf(source: ComposeSource, path: string): SourcePosition {
  let p = path;
  for (;;) {
    const line = source.lines.get(p);
    if (line !== undefined) return { file: source.file, line };
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return { file: source.file, line: 0 };
    p = p.slice(0, cut);
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!;
}
