// Heredoc markers (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`) as BuildKit reads them on RUN, COPY
// and ADD lines. A quoted delimiter (even partly quoted) turns expansion of the body off; `<<-`
// strips leading tabs from the body and from the terminator line.
import { ShellLex } from './shell-lexer.js';

export interface Heredoc {
  /** The delimiter word, quotes removed. */
  name: string;
  /** `3<<EOF` feeds file descriptor 3; 0 when not given. */
  fileDescriptor: number;
  /** False when the delimiter was quoted: the body is taken literally. */
  expand: boolean;
  /** `<<-`: leading tabs are removed from each body line. */
  chomp: boolean;
  /** The body, every line with its newline, terminator excluded. */
  content: string;
}

const HEREDOC_WORD = /^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$/;
const NO_ENV: ReadonlyMap<string, string> = new Map();

/** Reads one word as a heredoc marker; undefined when it is not one (ExpansionError when malformed). */
export function parseHeredocWord(word: string): Heredoc | undefined {
  const m = HEREDOC_WORD.exec(word);
  if (!m || m[3] === '') return undefined;
  const rest = m[3]!;
  // Lex the delimiter with and without quotes: a difference means part of it was quoted.
  const words = new ShellLex('\\', { skipUnsetEnv: true }).processWords(rest, NO_ENV);
  if (words.length !== 1) return undefined;
  const rawWords = new ShellLex('\\', { skipUnsetEnv: true, rawQuotes: true }).processWords(rest, NO_ENV);
  const countQuotes = (s: string) => s.split(/['"]/).length - 1;
  const name = words[0]!;
  return {
    name,
    fileDescriptor: m[1] ? Number.parseInt(m[1], 10) : 0,
    expand: countQuotes(name) === countQuotes(rawWords[0] ?? ''),
    chomp: m[2] === '-',
    content: '',
  };
}

/** The heredoc markers of an instruction line, in order. */
export function heredocsFromLine(line: string): Heredoc[] {
  let words: string[];
  try {
    words = new ShellLex('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true }).processWords(line, NO_ENV);
  } catch {
    return []; // a line the lexer rejects has no heredocs (BuildKit ignores the error too)
  }
  const docs: Heredoc[] = [];
  for (const w of words) {
    const doc = parseHeredocWord(w);
    if (doc) docs.push(doc);
  }
  return docs;
}

/** Like parseHeredocWord, but a malformed marker is simply not a heredoc. */
export function heredocWordOrUndefined(word: string): Heredoc | undefined {
  try {
    return parseHeredocWord(word);
  } catch {
    return undefined;
  }
}

/** `<<-` bodies lose the leading tabs of every line. */
export function chompHeredocContent(content: string): string {
  return content.replace(/^\t+/gm, '');
}
