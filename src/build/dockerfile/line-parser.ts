// First pass over a Dockerfile: parser directives, comments, line continuations and heredoc
// bodies, giving one logical line per instruction with its source lines. Mirrors BuildKit's
// parser quirks: directives only before anything else, comment lines inside a continuation are
// skipped, empty continuation lines are skipped with a warning, leading whitespace of
// continuation lines is kept.
import { type SplitInstruction, InstructionSyntaxError, splitInstruction } from './argument-forms.js';
import { DockerfileError, DockerfileParseError } from './errors.js';
import { type Heredoc, heredocsFromLine } from './heredoc.js';
import { trimLeftSpace } from './go-strings.js';

export interface ParserDirective {
  /** Lower-cased name: syntax, escape or check. */
  name: string;
  value: string;
  line: number;
}

export interface LogicalLine extends SplitInstruction {
  /** The instruction text with continuations joined (without heredoc bodies). */
  original: string;
  heredocs: Heredoc[];
  startLine: number;
  endLine: number;
  /** Comment lines directly above the instruction (without `#`). */
  comments: string[];
}

export interface LineParseResult {
  lines: LogicalLine[];
  directives: ParserDirective[];
  escapeToken: string;
  warnings: string[];
}

const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const DIRECTIVE_HEAD = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*/;
/** bufio.Scanner's limit: docker refuses longer lines. */
const MAX_LINE_BYTES = 64 * 1024;
const HEREDOC_COMMANDS = new Set(['add', 'copy', 'run']);

/** Splits into lines, each keeping its line ending (the heredoc bodies need them). */
function splitLinesKeepEnds(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      if (start < text.length) out.push(text.slice(start));
      return out;
    }
    out.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
}

function trimNewline(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '\n' || s[end - 1] === '\r')) end--;
  return s.slice(0, end);
}

function isComment(line: string): boolean {
  return trimLeftSpace(line).startsWith('#');
}

/** `name = value` with Go's `\s` blanks around; scanned by hand to stay linear on long lines. */
function matchDirective(text: string): { name: string; value: string } | undefined {
  const head = DIRECTIVE_HEAD.exec(text);
  if (!head) return undefined;
  let end = text.length;
  while (end > head[0].length && '\t\n\f\r '.includes(text[end - 1]!)) end--;
  const value = text.slice(head[0].length, end);
  if (value === '' || value.includes('\n')) return undefined;
  return { name: head[1]!, value };
}

class DirectiveReader {
  done = false;
  private readonly seen = new Set<string>();
  escapeToken = '\\';
  readonly directives: ParserDirective[] = [];

  /** Looks at a line (already left-trimmed for the first line of an instruction). */
  read(line: string, lineNo: number): boolean {
    if (this.done) return false;
    if (!line.startsWith('#')) {
      this.done = true;
      return false;
    }
    const m = matchDirective(trimLeftSpace(line.slice(1)));
    const name = m?.name.toLowerCase();
    if (!m || !name || !KNOWN_DIRECTIVES.has(name)) {
      this.done = true;
      return false;
    }
    if (this.seen.has(name)) throw new InstructionSyntaxError(`only one ${name} parser directive can be used`);
    this.seen.add(name);
    const value = m.value;
    if (name === 'escape') {
      if (value !== '`' && value !== '\\') throw new InstructionSyntaxError(`invalid escape token '${value}' does not match \` or \\`);
      this.escapeToken = value;
    }
    this.directives.push({ name, value, line: lineNo });
    return true;
  }
}

/**
 * Removes a trailing line-continuation escape. Like BuildKit, an escape preceded by another
 * escape character still counts as a continuation (its regex cannot tell them apart).
 */
function trimContinuation(line: string, escape: string): { text: string; continues: boolean } {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  if (end === 0 || line[end - 1] !== escape) return { text: line, continues: false };
  if (end === 1) return { text: '', continues: true };
  if (line[end - 2] === escape) {
    // `([^\\])\\[ \t]*$` needs a non-escape before the final escape; `\\\\` alone does not match
    // unless the escape starts the line, which `end === 1` handled.
    return { text: line, continues: false };
  }
  return { text: line.slice(0, end - 1), continues: true };
}

export function parseLines(source: string, file: string): LineParseResult {
  const raw = splitLinesKeepEnds(source);
  const directives = new DirectiveReader();
  const lines: LogicalLine[] = [];
  const warnings: string[] = [];
  let comments: string[] = [];
  let i = 0;
  let currentLine = 0;

  const fail = (msg: string, start: number, end = start): never => {
    throw new DockerfileParseError(msg, file, start, end);
  };

  for (let n = 0; n < raw.length; n++) {
    if (raw[n]!.length > MAX_LINE_BYTES / 4 && Buffer.byteLength(raw[n]!) > MAX_LINE_BYTES) {
      fail(`dockerfile line greater than max allowed size of ${MAX_LINE_BYTES - 1}`, n + 1);
    }
  }

  while (i < raw.length) {
    let first = raw[i++]!;
    if (currentLine === 0 && first.startsWith('\uFEFF')) first = first.slice(1);
    if (isComment(first)) {
      const comment = trimLeftSpace(first).slice(1).trim();
      if (comment === '') comments = [];
      else comments.push(comment);
    }
    let token = trimLeftSpace(trimNewline(first));
    try {
      if (directives.read(token, currentLine + 1)) comments.pop();
    } catch (err) {
      if (err instanceof InstructionSyntaxError) fail(err.message, currentLine + 1);
      throw err;
    }
    if (token.startsWith('#')) token = '';
    currentLine++;
    const startLine = currentLine;
    const escape = directives.escapeToken;
    let { text, continues } = trimContinuation(token, escape);
    if (!continues && text.length === 0) continue;
    let buf = text;
    let hasEmptyContinuation = false;
    while (continues && i < raw.length) {
      const next = raw[i++]!;
      directives.done = true;
      currentLine++;
      if (isComment(next)) continue;
      const body = trimNewline(next);
      if (trimLeftSpace(body).length === 0) {
        hasEmptyContinuation = true;
        continue;
      }
      ({ text, continues } = trimContinuation(body, escape));
      buf += text;
    }
    if (hasEmptyContinuation) warnings.push(`Empty continuation line found in: ${buf}`);

    let split: SplitInstruction;
    try {
      split = splitInstruction(buf, escape);
    } catch (err) {
      if (err instanceof InstructionSyntaxError) fail(err.message, startLine, currentLine);
      throw err;
    }

    const heredocs: Heredoc[] = [];
    if (canContainHeredoc(split) && buf.includes('<<')) {
      let docs: Heredoc[];
      try {
        docs = heredocsFromLine(buf);
      } catch (err) {
        if (err instanceof DockerfileError) fail(err.message, startLine, currentLine);
        throw err;
      }
      for (const doc of docs) {
        let terminated = false;
        let content = '';
        while (i < raw.length) {
          const bodyLine = raw[i++]!;
          currentLine++;
          let candidate = trimNewline(bodyLine);
          if (doc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === doc.name) {
            terminated = true;
            break;
          }
          content += bodyLine;
        }
        if (!terminated) fail('unterminated heredoc', startLine, currentLine);
        heredocs.push({ ...doc, content });
      }
    }

    lines.push({ ...split, original: buf, heredocs, startLine, endLine: currentLine, comments });
    comments = [];
  }

  if (lines.length === 0) fail('file with no instructions', currentLine);
  return { lines, directives: directives.directives, escapeToken: directives.escapeToken, warnings };
}

function canContainHeredoc(split: SplitInstruction): boolean {
  const inner = split.command.toLowerCase() === 'onbuild' && split.child ? split.child : split;
  return HEREDOC_COMMANDS.has(inner.command.toLowerCase()) && !inner.json;
}
