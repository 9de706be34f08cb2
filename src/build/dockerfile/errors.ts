// Errors of the Dockerfile front end. Every failure of parsing or variable expansion is one of
// these, so callers (and the fuzz test) can tell a bad Dockerfile from a bug.
import { InvalidArgumentError } from '../../errors.js';

/** Base of every error the Dockerfile front end throws on bad input. */
export class DockerfileError extends InvalidArgumentError {}

/**
 * A variable substitution that the shell lexer rejects (`${}`, `${X:?unset}`, unterminated
 * quote…). When it comes from a Dockerfile step, `file` and `line` say where.
 */
export class ExpansionError extends DockerfileError {
  file?: string;
  line?: number;
  endLine?: number;

  /** The same error placed at a step of a Dockerfile. */
  at(file: string, line: number, endLine = line): ExpansionError {
    const located = new ExpansionError(this.message);
    located.file = file;
    located.line = line;
    located.endLine = endLine;
    return located;
  }
}

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
export function formatErrorExcerpt(
  err: { file?: string; line?: number; endLine?: number },
  source: string,
  context = 2,
): string {
  if (err.line === undefined || err.line < 1) return '';
  const e = { file: err.file ?? 'Dockerfile', line: err.line, endLine: err.endLine ?? err.line };
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, e.line - context);
  const last = Math.min(lines.length, Math.max(e.endLine, e.line) + context);
  const width = String(last).length;
  const out = [`${e.file}:${e.endLine > e.line ? `${e.line}-${e.endLine}` : e.line}`, '-'.repeat(20)];
  for (let n = first; n <= last; n++) {
    const mark = n >= e.line && n <= e.endLine ? '>>>' : '   ';
    out.push(` ${String(n).padStart(width + 2)} | ${mark} ${lines[n - 1] ?? ''}`.trimEnd());
  }
  out.push('-'.repeat(20));
  return out.join('\n');
}
