// The common shape of a table's `--format` (ps, images…): text and `{{.Method}}` actions on a
// formatter context. Run straight, without the interpreter: a CLI runs its template cold, once per
// row, and for hundreds of rows the interpreter's walk was most of the formatting time. Anything
// else (maps, fields, errors) answers undefined and the interpreter runs the row as before.
import { formatValue } from './go-fmt.js';
import type { Node } from './parser.js';

/** Literal text, or the name of a method called on dot. */
export type MethodRowPart = string | { method: string };

/** The parts of a template made only of text and `{{.Name}}` actions; undefined otherwise. */
export function methodRowParts(root: readonly Node[], defined: ReadonlyMap<string, unknown>): MethodRowPart[] | undefined {
  if (defined.size > 0) return undefined;
  const parts: MethodRowPart[] = [];
  for (const n of root) {
    if (n.kind === 'text') {
      parts.push(n.text);
      continue;
    }
    if (n.kind !== 'action' || n.pipe.decl.length > 0 || n.pipe.cmds.length !== 1) return undefined;
    const args = n.pipe.cmds[0]!.args;
    const a = args[0];
    if (args.length !== 1 || a?.kind !== 'field' || a.idents.length !== 1) return undefined;
    const name = a.idents[0]!;
    // Go reaches exported names only; the interpreter gives the error for the others.
    const code = name.charCodeAt(0);
    if (!(code >= 0x41 && code <= 0x5a)) return undefined;
    parts.push({ method: name });
  }
  return parts;
}

/** The row's text when every action is a method of `dot` that returns; undefined to interpret it. */
export function runMethodRow(parts: readonly MethodRowPart[], dot: unknown): string | undefined {
  if (typeof dot !== 'object' || dot === null || Array.isArray(dot) || dot instanceof Map) return undefined;
  const proto = Object.getPrototypeOf(dot) as unknown;
  if (proto === Object.prototype || proto === null) return undefined; // a Go map: the interpreter's rules
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    const member = (dot as Record<string, unknown>)[p.method];
    if (typeof member !== 'function') return undefined;
    let v: unknown;
    try {
      v = (member as () => unknown).call(dot);
    } catch {
      return undefined; // the interpreter reports it with the template's position
    }
    out += formatValue(v);
  }
  return out;
}
