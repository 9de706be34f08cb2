import { InvalidArgumentError } from '../../../errors.js';

/** A template that does not parse or fails while running. Messages follow Go's text/template. */
export class TemplateError extends InvalidArgumentError {}

/** `line:col` of a byte offset, as Go's ErrorContext computes it (col is 0-based on line 1). */
export function location(text: string, pos: number): { line: number; col: number } {
  const before = text.slice(0, pos);
  const line = 1 + (before.match(/\n/g)?.length ?? 0);
  const nl = before.lastIndexOf('\n');
  return { line, col: nl === -1 ? pos : pos - (nl + 1) };
}
