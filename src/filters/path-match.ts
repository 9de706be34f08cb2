// Go's path.Match: `*` any run of non-`/`, `?` one non-`/`, `[a-z]`/`[^x]` classes, `\` escapes.
// docker matches `reference=` image filters with it.
import { InvalidArgumentError } from '../errors.js';

/** Whole-string match; a malformed pattern is Go's ErrBadPattern. */
export function pathMatch(pattern: string, name: string): boolean {
  return patternRegExp(pattern).test(name);
}

function patternRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) throw badPattern();
      re += escape(pattern[++i]!);
    } else if (c === '[') {
      const end = classEnd(pattern, i + 1);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      if (body === '') throw badPattern();
      // Inside a class only `\` escapes and `-` ranges mean anything; `/` never matches.
      const inner = body.replace(/\\(.)/g, (_m, ch: string) => `\\${ch}`).replace(/[\]^]/g, '\\$&');
      re += negate ? `[^/${inner}]` : `(?!/)[${inner}]`;
      i = end;
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function classEnd(pattern: string, from: number): number {
  for (let j = from; j < pattern.length; j++) {
    if (pattern[j] === '\\') j++;
    else if (pattern[j] === ']' && j > from) return j;
  }
  throw badPattern();
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function badPattern(): InvalidArgumentError {
  return new InvalidArgumentError('syntax error in pattern');
}
