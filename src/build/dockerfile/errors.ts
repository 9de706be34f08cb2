// Errors of the Dockerfile front end. Every failure of parsing or variable expansion is one of
// these, so callers (and the fuzz test) can tell a bad Dockerfile from a bug.
import { InvalidArgumentError } from '../../errors.js';

/** Base of every error the Dockerfile front end throws on bad input. */
export class DockerfileError extends InvalidArgumentError {}

/** A variable substitution that the shell lexer rejects (`${}`, `${X:?unset}`, unterminated quote…). */
export class ExpansionError extends DockerfileError {}

/**
 * A Dockerfile that does not parse. `message` reads like docker's
 * (`dockerfile parse error on line 3: unknown instruction: FOO`); `detail` is the bare reason.
 */
export class DockerfileParseError extends DockerfileError {
  constructor(
    readonly detail: string,
    readonly file: string,
    /** 1-based first line of the offending instruction (0 when the file has no lines). */
    readonly line: number,
    readonly endLine: number = line,
  ) {
    super(`dockerfile parse error on line ${line}: ${detail}`);
  }
}

/**
 * The source excerpt docker prints under a parse error:
 *
 *     Dockerfile:3
 *     --------------------
 *        2 |     RUN true
 *        3 | >>> FOO bar
 *     --------------------
 */
export function formatErrorExcerpt(err: DockerfileParseError, source: string, context = 2): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, err.line - context);
  const last = Math.min(lines.length, Math.max(err.endLine, err.line) + context);
  const width = String(last).length;
  const out = [`${err.file}:${err.endLine > err.line ? `${err.line}-${err.endLine}` : err.line}`, '-'.repeat(20)];
  for (let n = first; n <= last; n++) {
    const mark = n >= err.line && n <= err.endLine ? '>>>' : '   ';
    out.push(` ${String(n).padStart(width + 2)} | ${mark} ${lines[n - 1] ?? ''}`.trimEnd());
  }
  out.push('-'.repeat(20));
  return out.join('\n');
}
