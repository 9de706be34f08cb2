// Reads the daemon's streams of JSON objects (pull/push/load progress, events, build output):
// one object per line, though a reader must not rely on chunk boundaries. A stream the daemon
// breaks off ends in docker's `unexpected EOF`.
import { answerFailure } from './connection-failure.js';

/** Yields each JSON value of a newline-delimited stream. */
export async function* readJsonStream<T>(source: AsyncIterable<Buffer | string>): AsyncGenerator<T> {
  let pending = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of source) {
      pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line !== '') yield JSON.parse(line) as T;
      }
    }
  } catch (err) {
    throw answerFailure(err);
  }
  pending += decoder.decode();
  const rest = pending.trim();
  if (rest !== '') {
    // Some producers concatenate objects without newlines: split at top-level boundaries.
    for (const part of splitConcatenatedJson(rest)) yield JSON.parse(part) as T;
  }
}

function splitConcatenatedJson(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        parts.push(s.slice(start, i + 1).trim());
        start = i + 1;
      }
    }
  }
  if (s.slice(start).trim() !== '') parts.push(s.slice(start).trim());
  return parts;
}
