// Shell patterns of `${VAR#pat}`, `${VAR%pat}`, `${VAR/pat/repl}`: `*` any run of characters
// (not newline, as Go's `.`), `?` one character, `\` escapes `*`, `?` or `\`; no brackets.
// Matched by simulating the pattern as a set of positions (no backtracking), so a hostile
// pattern costs O(value × pattern), like the RE2 engine BuildKit uses, never exponential.
import { ExpansionError } from './errors.js';

type Token = { kind: 'star' } | { kind: 'any' } | { kind: 'lit'; ch: string };

export interface ShellPattern {
  tokens: Token[];
}

export function compileShellPattern(pattern: string): ShellPattern {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' }); // `**` ≡ `*`
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
    } else if (c === '\\') {
      const next = chars[i + 1];
      // `\}` and `\/` were escapes for the ${} syntax, not part of the pattern.
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') {
        throw new ExpansionError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${next ?? ''}'`);
      }
      tokens.push({ kind: 'lit', ch: next });
      i++;
    } else {
      tokens.push({ kind: 'lit', ch: c });
    }
  }
  return { tokens };
}

/** Adds position i and everything reachable from it without consuming (stars may match ""). */
function closure(tokens: Token[], set: Uint8Array, i: number): void {
  while (i <= tokens.length && !set[i]) {
    set[i] = 1;
    if (tokens[i]?.kind !== 'star') return;
    i++;
  }
}

/**
 * Ends (code-point indexes, exclusive) of the matches of the whole pattern starting at `start`,
 * calling `onEnd` for each in increasing order; stop early by returning true.
 */
function scanEnds(p: ShellPattern, chars: readonly string[], start: number, onEnd: (end: number) => boolean): void {
  const { tokens } = p;
  const m = tokens.length;
  let cur = new Uint8Array(m + 1);
  closure(tokens, cur, 0);
  for (let pos = start; ; pos++) {
    if (cur[m] && onEnd(pos)) return;
    if (pos >= chars.length) return;
    const ch = chars[pos]!;
    const next = new Uint8Array(m + 1);
    let any = false;
    for (let i = 0; i < m; i++) {
      if (!cur[i]) continue;
      const t = tokens[i]!;
      if (t.kind === 'star') {
        if (ch !== '\n') {
          closure(tokens, next, i);
          any = true;
        }
      } else if (t.kind === 'any' ? ch !== '\n' : t.ch === ch) {
        closure(tokens, next, i + 1);
        any = true;
      }
    }
    if (!any) return;
    cur = next;
  }
}

/** The shortest (lazy) or longest (greedy) match end from `start`, or -1. */
export function matchAt(p: ShellPattern, chars: readonly string[], start: number, greedy: boolean): number {
  let found = -1;
  scanEnds(p, chars, start, (end) => {
    found = end;
    return !greedy; // lazy: the first end is the shortest
  });
  return found;
}

/** Leftmost match at or after `from` (longest at that start): [start, end] in code points. */
export function findFirst(p: ShellPattern, chars: readonly string[], from: number): [number, number] | undefined {
  for (let s = from; s <= chars.length; s++) {
    const end = matchAt(p, chars, s, true);
    if (end !== -1) return [s, end];
  }
  return undefined;
}
