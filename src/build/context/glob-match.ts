// Go's filepath.Match, the glob COPY and ADD sources use: `*` any run of characters but `/`,
// `?` one character but `/`, `[a-z]` / `[^a-z]` classes, `\` escapes the next character.
// A malformed pattern is an error even where the name already failed to match.
import { InvalidArgumentError } from '../../errors.js';

export class BadPatternError extends InvalidArgumentError {
  constructor(pattern: string) {
    super(`syntax error in pattern: ${JSON.stringify(pattern)}`);
  }
}

const cache = new Map<string, RegExp>();

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** Compiles a glob to an anchored regular expression; throws BadPatternError. */
export function globToRegExp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const chars = Array.from(pattern);
  let re = '^';
  let i = 0;
  const bad = () => new BadPatternError(pattern);
  // One (possibly escaped) character inside a class.
  const classChar = (): number => {
    let ch = chars[i];
    if (ch === undefined || ch === '-' || ch === ']') throw bad();
    if (ch === '\\') {
      i++;
      ch = chars[i];
      if (ch === undefined) throw bad();
    }
    i++;
    if (i >= chars.length) throw bad();
    return ch.codePointAt(0)!;
  };
  while (i < chars.length) {
    const ch = chars[i]!;
    if (ch === '*') {
      re += '[^/]*';
      i++;
    } else if (ch === '?') {
      re += '[^/]';
      i++;
    } else if (ch === '[') {
      i++;
      let negated = false;
      if (chars[i] === '^') {
        negated = true;
        i++;
      }
      const ranges: string[] = [];
      let n = 0;
      for (;;) {
        if (chars[i] === ']' && n > 0) {
          i++;
          break;
        }
        const lo = classChar();
        let hi = lo;
        if (chars[i] === '-') {
          i++;
          hi = classChar();
        }
        if (lo <= hi) ranges.push(`${hex(lo)}-${hex(hi)}`);
        n++;
      }
      if (ranges.length === 0) re += negated ? '[^]' : '[]';
      else re += `[${negated ? '^' : ''}${ranges.join('')}]`;
    } else if (ch === '\\') {
      i++;
      const next = chars[i];
      if (next === undefined) throw bad();
      re += hex(next.codePointAt(0)!);
      i++;
    } else {
      re += hex(ch.codePointAt(0)!);
      i++;
    }
  }
  const compiled = new RegExp(re + '$', 'su');
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

/** filepath.Match(pattern, name). */
export function globMatch(pattern: string, name: string): boolean {
  return globToRegExp(pattern).test(name);
}

/** Whether a path has glob characters (a `\`-escaped one does not count). */
export function containsWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}
