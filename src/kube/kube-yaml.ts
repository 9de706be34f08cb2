// Reads a multi-document Kubernetes YAML file into plain objects that remember where each field
// was written, so every later complaint names the file, line, document and field.
import { LineCounter, isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import { KubeFileError } from './kube-file-error.js';

export type KubeObject = Record<string, unknown>;

export interface KubeDocument {
  /** 1-based position in the file (empty documents are skipped but counted). */
  readonly index: number;
  readonly kind: string;
  readonly name: string;
  readonly body: KubeObject;
  /** Throws the document's error for a field path such as ['spec', 'replicas']. */
  fail(path: readonly (string | number)[], reason: string): never;
}

export function readKubeDocuments(text: string, file: string): KubeDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 0 : lineCounter.linePos(offset).line);
  if (!Array.isArray(docs)) throw new KubeFileError({ file, line: 0, document: 1, field: '' }, 'not a YAML document stream');
  const out: KubeDocument[] = [];
  docs.forEach((doc, i) => {
    const index = i + 1;
    const err = doc.errors[0];
    if (err) throw new KubeFileError({ file, line: lineAt(err.pos[0]), document: index, field: '' }, `malformed YAML: ${err.message.split('\n')[0]}`);
    if (doc.contents === null) return;
    const body = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (body === null || body === undefined) return;
    const fail = documentFailer(doc, lineAt, file, index, body);
    if (!isMap(doc.contents) || typeof body !== 'object' || Array.isArray(body)) fail([], 'a Kubernetes object must be a mapping');
    const o = body as KubeObject;
    if (typeof o.apiVersion !== 'string' || o.apiVersion === '') fail(['apiVersion'], 'required field missing');
    if (typeof o.kind !== 'string' || o.kind === '') fail(['kind'], 'required field missing');
    out.push({ index, kind: o.kind as string, name: metadataName(o), body: o, fail });
  });
  return out;
}

function metadataName(o: KubeObject): string {
  const m = o.metadata;
  return m && typeof m === 'object' && typeof (m as KubeObject).name === 'string' ? ((m as KubeObject).name as string) : '';
}

function documentFailer(doc: Document, lineAt: (o: number | undefined) => number, file: string, index: number, body: unknown) {
  return (path: readonly (string | number)[], reason: string): never => {
    const o = body && typeof body === 'object' ? (body as KubeObject) : {};
    throw new KubeFileError(
      {
        file,
        line: lineOf(doc, path, lineAt),
        document: index,
        ...(typeof o.kind === 'string' ? { kind: o.kind } : {}),
        ...(metadataName(o) ? { name: metadataName(o) } : {}),
        field: fieldPath(path),
      },
      reason,
    );
  };
}

/** The line of the deepest node of the path that exists (the key's line for a mapping entry). */
function lineOf(doc: Document, path: readonly (string | number)[], lineAt: (o: number | undefined) => number): number {
  let node: unknown = doc.contents;
  let line = lineAt((node as { range?: [number] } | null)?.range?.[0]);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      line = lineAt((pair.key as { range?: [number] }).range?.[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      const r = (node as { range?: [number] } | undefined)?.range;
      if (!r) break;
      line = lineAt(r[0]);
    } else break;
  }
  return line;
}

export function fieldPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}
