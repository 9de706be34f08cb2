// Compose's variable substitution: $X, ${X}, ${X:-d}, ${X-d}, ${X:?err}, ${X?err}, ${X:+r},
// ${X+r}, and $$ for a literal $. Defaults and replacements may themselves hold substitutions.
// Applied to every string value of a file (keys are left alone, as compose does).
import { childPath, positionOf, type ComposeSource } from './compose-source.js';
import { ComposeFileError } from './compose-file-error.js';

export type Lookup = (name: string) => string | undefined;

/** Raised inside substitution; the caller adds the file, line and key. */
export class InterpolationError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Substitutes one string; unset plain variables become '' and are reported through `onUnset`. */
export function interpolateString(text: string, lookup: Lookup, onUnset: (name: string) => void = () => {}): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const end = closingBrace(text, dollar + 2);
      if (end < 0) throw new InterpolationError(`invalid interpolation format: ${text.slice(dollar)}`);
      out += substitute(text.slice(dollar + 2, end), lookup, onUnset, text);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(dollar + 1))?.[0];
      if (name === undefined) {
        // A lone $ (e.g. before a digit or at the end) stays as written, like compose.
        out += '$';
        i = dollar + 1;
      } else {
        out += valueOrBlank(name, lookup, onUnset);
        i = dollar + 1 + name.length;
      }
    }
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function substitute(body: string, lookup: Lookup, onUnset: (name: string) => void, whole: string): string {
  const name = NAME.exec(body)?.[0];
  if (name === undefined) throw new InterpolationError(`invalid interpolation format: \${${body}}`);
  const rest = body.slice(name.length);
  const value = lookup(name);
  if (rest === '') return valueOrBlank(name, lookup, onUnset);
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (op === undefined) throw new InterpolationError(`invalid interpolation format: \${${body}} in ${JSON.stringify(whole)}`);
  const arg = (): string => interpolateString(rest.slice(op.length), lookup, onUnset);
  switch (op) {
    case ':-':
      return value === undefined || value === '' ? arg() : value;
    case '-':
      return value === undefined ? arg() : value;
    case ':?':
    case '?': {
      const missing = op === ':?' ? value === undefined || value === '' : value === undefined;
      if (!missing) return value!;
      const msg = arg();
      throw new InterpolationError(`required variable ${name} is missing a value${msg !== '' ? `: ${msg}` : ''}`);
    }
    case ':+':
      return value === undefined || value === '' ? '' : arg();
    default:
      return value === undefined ? '' : arg();
  }
}

function valueOrBlank(name: string, lookup: Lookup, onUnset: (name: string) => void): string {
  const v = lookup(name);
  if (v === undefined) {
    onUnset(name);
    return '';
  }
  return v;
}

/** Interpolates every string value of a parsed file in place; errors name file, line and key. */
export function interpolateSource(source: ComposeSource, lookup: Lookup, warn: (msg: string) => void): void {
  const warned = new Set<string>();
  const onUnset = (name: string): void => {
    if (warned.has(name)) return;
    warned.add(name);
    warn(`The "${name}" variable is not set. Defaulting to a blank string.`);
  };
  const visit = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      try {
        return interpolateString(value, lookup, onUnset);
      } catch (err) {
        if (err instanceof InterpolationError) throw new ComposeFileError(positionOf(source, path), path, err.message);
        throw err;
      }
    }
    if (Array.isArray(value)) return value.map((v, i) => visit(v, childPath(path, i)));
    if (value !== null && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) obj[k] = visit(obj[k], childPath(path, k));
      return obj;
    }
    return value;
  };
  visit(source.data, '');
}
