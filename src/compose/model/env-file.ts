// Compose's dotenv format (.env, --env-file, a service's env_file): KEY=VALUE lines, `export `
// allowed, # comments, single quotes literal, double quotes with escapes, unquoted values
// trimmed and cut at ` #`. Values may use earlier variables (${X}) like compose does.
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, isErrno } from '../../errors.js';
import { interpolateString, InterpolationError, type Lookup } from './interpolate.js';

/** Parses dotenv text; `lookup` resolves ${X} in values (after the file's own earlier keys). A bare `KEY` line gives null (take it from the environment). */
export function parseEnvText(text: string, file: string, lookup: Lookup = () => undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const local: Lookup = (n) => {
    const v = out[n];
    return typeof v === 'string' ? v : lookup(n);
  };
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      throw new InvalidArgumentError(`${file}:${i + 1}: unexpected character in variable name ${JSON.stringify(key)}`);
    }
    if (eq < 0) {
      out[key] = null;
      continue;
    }
    let raw = line.slice(eq + 1).trimStart();
    const quote = raw[0];
    if (quote === "'" || quote === '"') {
      // A quoted value may span lines until its closing quote.
      let body = raw.slice(1);
      let close = findClose(body, quote);
      while (close < 0 && i + 1 < lines.length) {
        body += '\n' + lines[++i]!;
        close = findClose(body, quote);
      }
      if (close < 0) throw new InvalidArgumentError(`${file}:${i + 1}: unterminated quoted value for ${key}`);
      const inner = body.slice(0, close);
      out[key] = quote === "'" ? inner : expand(unescape(inner), local, file, i + 1, key);
    } else {
      const hash = raw.search(/\s#/);
      if (hash >= 0) raw = raw.slice(0, hash);
      out[key] = expand(raw.trim(), local, file, i + 1, key);
    }
  }
  return out;
}

function findClose(s: string, quote: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && quote === '"') i++;
    else if (s[i] === quote) return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\([nrt"\\$])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? (c === '$' ? '$$' : c));
}

function expand(value: string, lookup: Lookup, file: string, line: number, key: string): string {
  try {
    return interpolateString(value, lookup);
  } catch (err) {
    if (err instanceof InterpolationError) throw new InvalidArgumentError(`${file}:${line}: ${key}: ${err.message}`);
    throw err;
  }
}

/** Reads and parses an env file; a missing file is an error unless `optional`. */
export async function readEnvFile(path: string, lookup: Lookup = () => undefined, optional = false): Promise<Record<string, string | null> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (optional && isErrno(err, 'ENOENT')) return undefined;
    if (isErrno(err, 'ENOENT')) throw new InvalidArgumentError(`env file ${path} not found: ${(err as Error).message}`);
    throw err;
  }
  return parseEnvText(text, path, lookup);
}
