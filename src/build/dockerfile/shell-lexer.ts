// Long file: one recursive-descent lexer whose cases share its cursor state; split, each part would need all of it.
// Variable substitution and word splitting the way BuildKit's Dockerfile shell lexer does it:
// `$VAR`, `${VAR}`, `${VAR:-x}` and friends, `${VAR#pat}`/`%`/`/` patterns, single and double
// quotes, the escape token (`\` or a backtick). This is not a shell: no command substitution,
// no globbing, no arithmetic. The builder runs it on the arguments of ADD COPY ENV EXPOSE FROM
// LABEL STOPSIGNAL USER VOLUME WORKDIR (and ARG values, mount options); RUN/CMD/ENTRYPOINT text
// goes to the container's shell untouched.
import { ExpansionError } from './errors.js';
import { type ShellPattern, compileShellPattern, findFirst, matchAt } from './shell-pattern.js';

/** Variables visible to an expansion. Keys are case-sensitive (as on Linux). */
export type Env = ReadonlyMap<string, string>;

export interface LexOptions {
  /** Keep quote characters in the result (used to find quoted heredoc delimiters). */
  rawQuotes?: boolean;
  /** Keep escape characters in the result. */
  rawEscapes?: boolean;
  /** Treat quotes as ordinary characters (heredoc bodies). */
  skipProcessQuotes?: boolean;
  /** Leave references to unset variables as written instead of expanding them to "". */
  skipUnsetEnv?: boolean;
}

export interface LexResult {
  /** The expanded text as one word (spaces kept). */
  result: string;
  /** The expanded text split into words after substitution (quoted spaces kept). */
  words: string[];
  /** Names looked up and found / not found. */
  matched: Set<string>;
  unmatched: Set<string>;
}

const WHITESPACE = /^\p{White_Space}$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

function isSpace(ch: string): boolean {
  return WHITESPACE.test(ch);
}

/** Accumulates characters into words, splitting on unquoted whitespace. */
class WordSplitter {
  buf = '';
  words: string[] = [];
  inWord = false;

  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.buf.length !== 0) {
        this.words.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else {
      this.addRawChar(ch);
    }
  }
  addRawChar(ch: string): void {
    this.buf += ch;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }
  addRawString(s: string): void {
    this.buf += s;
    this.inWord = true;
  }
  finish(): string[] {
    if (this.buf.length > 0) {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

/** Reads a string one code point at a time; `undefined` is the end. */
class CharScanner {
  private readonly chars: string[];
  private pos = 0;
  constructor(text: string) {
    this.chars = Array.from(text);
  }
  peek(): string | undefined {
    return this.chars[this.pos];
  }
  next(): string | undefined {
    const ch = this.chars[this.pos];
    if (ch !== undefined) this.pos++;
    return ch;
  }
}

function isSpecialParam(ch: string): boolean {
  return '@*#?-$!0'.includes(ch);
}

export class ShellLex {
  constructor(
    readonly escapeToken: string = '\\',
    readonly options: LexOptions = {},
  ) {}

  /** Expands `word` as one word (quotes removed, spaces kept). */
  processWord(word: string, env: Env): string {
    return this.process(word, env).result;
  }

  /** Expands `word` and splits it into words. */
  processWords(word: string, env: Env): string[] {
    return this.process(word, env).words;
  }

  process(word: string, env: Env): LexResult {
    const run = new LexRun(this.escapeToken, this.options, word, env);
    try {
      const [result, words] = run.processStopOn(undefined, this.options.rawEscapes ?? false);
      return { result, words, matched: run.matched, unmatched: run.unmatched };
    } catch (err) {
      if (err instanceof ExpansionError) throw new ExpansionError(`failed to process ${goQuote(word)}: ${err.message}`);
      throw err;
    }
  }
}

/** Go's %q for the strings we quote in messages (JSON quoting is the same for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

class LexRun {
  readonly scanner: CharScanner;
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  private rawEscapes: boolean;

  constructor(
    private readonly escapeToken: string,
    private readonly opts: LexOptions,
    text: string,
    private readonly env: Env,
  ) {
    this.scanner = new CharScanner(text);
    this.rawEscapes = opts.rawEscapes ?? false;
  }

  /** Processes until `stopChar` (consumed) or the end; a missing stop character is an error. */
  processStopOn(stopChar: string | undefined, rawEscapes: boolean): [string, string[]] {
    const sc = this.scanner;
    let result = '';
    const words = new WordSplitter();
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      for (let ch = sc.peek(); ch !== undefined; ch = sc.peek()) {
        if (stopChar !== undefined && ch === stopChar) {
          sc.next();
          return [result, words.finish()];
        }
        let special: string | undefined;
        if (ch === '$') special = this.processDollar();
        else if (ch === '<') special = this.processPossibleHeredoc();
        else if (!this.opts.skipProcessQuotes && ch === "'") special = this.processSingleQuote();
        else if (!this.opts.skipProcessQuotes && ch === '"') special = this.processDoubleQuote();
        if (special !== undefined) {
          result += special;
          // Substituted values split into words; quoted text and `<<` do not.
          if (ch === '$') words.addString(special);
          else words.addRawString(special);
          continue;
        }
        let c = sc.next()!;
        if (c === this.escapeToken) {
          if (this.rawEscapes) {
            words.addRawChar(c);
            result += c;
          }
          const escaped = sc.next();
          if (escaped === undefined) break; // an escape at the very end is dropped
          c = escaped;
          words.addRawChar(c);
        } else {
          words.addChar(c);
        }
        result += c;
      }
      if (stopChar !== undefined) throw new ExpansionError(`unexpected end of statement while looking for matching ${stopChar}`);
      return [result, words.finish()];
    } finally {
      this.rawEscapes = saved;
    }
  }

  private processSingleQuote(): string {
    const sc = this.scanner;
    let result = '';
    const open = sc.next()!;
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const ch = sc.next();
      if (ch === undefined) throw new ExpansionError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    const sc = this.scanner;
    let result = '';
    const open = sc.next()!;
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const peek = sc.peek();
      if (peek === undefined) throw new ExpansionError('unexpected end of statement while looking for matching double-quote');
      if (peek === '"') {
        const ch = sc.next()!;
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      if (peek === '$') {
        result += this.processDollar();
        continue;
      }
      let ch = sc.next()!;
      if (ch === this.escapeToken) {
        if (this.rawEscapes) result += ch;
        const after = sc.peek();
        if (after === undefined) continue; // escape at the end of the word is ignored
        // Inside double quotes only " $ and the escape itself can be escaped.
        if (after === '"' || after === '$' || after === this.escapeToken) ch = sc.next()!;
      }
      result += ch;
    }
  }

  private processDollar(): string {
    const sc = this.scanner;
    sc.next(); // $
    if (sc.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.getEnv(name);
      if (value === undefined && this.opts.skipUnsetEnv) return '$' + name;
      return value ?? '';
    }
    sc.next(); // {
    const first = sc.peek();
    if (first === undefined) throw new ExpansionError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new ExpansionError('syntax error: bad substitution');
    const name = this.processName();
    let ch = sc.next();
    // Go prints the end-of-input rune as U+FFFD in this message.
    let chs = ch ?? '\uFFFD';
    let nullIsUnset = false;

    if (ch === '}') {
      const value = this.getEnv(name);
      if (value === undefined && this.opts.skipUnsetEnv) return `\${${name}}`;
      return value ?? '';
    }
    if (ch === ':') {
      nullIsUnset = true;
      ch = sc.next();
      chs += ch ?? '\uFFFD';
    }
    if (nullIsUnset || ch === '+' || ch === '-' || ch === '?' || ch === '#' || ch === '%') {
      const patternOp = ch === '#' || ch === '%';
      if (nullIsUnset && patternOp) throw new ExpansionError(`unsupported modifier (${chs}) in substitution`);
      let word: string;
      try {
        [word] = this.processStopOn('}', patternOp);
      } catch (err) {
        if (err instanceof ExpansionError && sc.peek() === undefined) throw new ExpansionError("syntax error: missing '}'");
        throw err;
      }
      const value = this.getEnv(name);
      if (value === undefined && this.opts.skipUnsetEnv) return `\${${name}${chs}${word}}`;
      const empty = value === undefined || (nullIsUnset && value === '');
      switch (ch) {
        case '-':
          return empty ? word : value!;
        case '+':
          return empty ? '' : word;
        case '?':
          if (value === undefined) throw new ExpansionError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
          if (nullIsUnset && value === '') throw new ExpansionError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
          return value;
        case '#':
        case '%': {
          // One # or % trims the shortest match, two the longest.
          let greedy = false;
          if (word.length > 0 && word[0] === ch) {
            greedy = true;
            word = word.slice(1);
          }
          return ch === '%' ? trimSuffix(word, value ?? '', greedy) : trimPrefix(word, value ?? '', greedy);
        }
        default:
          throw new ExpansionError(`unsupported modifier (${chs}) in substitution`);
      }
    }
    if (ch === '/') {
      const replaceAll = sc.peek() === '/';
      if (replaceAll) sc.next();
      let pattern: string;
      try {
        [pattern] = this.processStopOn('/', true);
      } catch (err) {
        if (err instanceof ExpansionError && sc.peek() === undefined) throw new ExpansionError("syntax error: missing '/' in ${}");
        throw err;
      }
      let replacement: string;
      try {
        [replacement] = this.processStopOn('}', true);
      } catch (err) {
        if (err instanceof ExpansionError && sc.peek() === undefined) throw new ExpansionError("syntax error: missing '}'");
        throw err;
      }
      const value = this.getEnv(name);
      if (value === undefined && this.opts.skipUnsetEnv) return `\${${name}/${pattern}/${replacement}}`;
      const compiled = compileShellPattern(pattern);
      return replaceAll ? replaceAllGo(value ?? '', compiled, replacement) : replaceFirst(value ?? '', compiled, replacement);
    }
    throw new ExpansionError(`unsupported modifier (${chs}) in substitution`);
  }

  private processName(): string {
    const sc = this.scanner;
    let name = '';
    for (let ch = sc.peek(); ch !== undefined; ch = sc.peek()) {
      if (name.length === 0 && DIGIT.test(ch)) {
        // Positional parameters: all the digits.
        for (let d = sc.peek(); d !== undefined && DIGIT.test(d); d = sc.peek()) name += sc.next();
        return name;
      }
      if (name.length === 0 && isSpecialParam(ch)) return sc.next()!;
      if (!LETTER.test(ch) && !DIGIT.test(ch) && ch !== '_') break;
      name += sc.next();
    }
    return name;
  }

  /** `<<` and the blanks after it stay glued to the following word (heredoc markers). */
  private processPossibleHeredoc(): string {
    const sc = this.scanner;
    sc.next();
    if (sc.peek() !== '<') return '<';
    sc.next();
    let space = '';
    for (let ch = sc.peek(); ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r'; ch = sc.peek()) space += sc.next();
    return '<<' + space;
  }

  private getEnv(name: string): string | undefined {
    const v = this.env.get(name);
    if (v !== undefined) this.matched.add(name);
    else this.unmatched.add(name);
    return v;
  }
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const chars = Array.from(value);
  const end = matchAt(compileShellPattern(pattern), chars, 0, greedy);
  return end === -1 ? value : chars.slice(end).join('');
}

/** Reverses a pattern but keeps each `\x` escape pair in order. */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last; ) {
    const o = last - i;
    if (chars[i] === '\\' && i !== last) {
      out[o - 1] = '\\';
      out[o] = chars[i + 1]!;
      i += 2;
    } else {
      out[o] = chars[i]!;
      i++;
    }
  }
  return out.join('');
}

function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  // The shortest rightmost match is the shortest leftmost match of the reversed strings.
  return reverseString(trimPrefix(reversePattern(pattern), reverseString(value), greedy));
}

function replaceFirst(value: string, pattern: ShellPattern, replacement: string): string {
  const chars = Array.from(value);
  const m = findFirst(pattern, chars, 0);
  return m ? chars.slice(0, m[0]).join('') + replacement + chars.slice(m[1]).join('') : value;
}

/** Go's Regexp.ReplaceAllString: `$$`, `$0`, `${0}` are expanded in the replacement. */
function expandTemplate(template: string, match: string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest[0] === '$') {
      out += '$';
      i++;
      continue;
    }
    const m = /^\{([A-Za-z0-9_]+)\}/.exec(rest) ?? /^([A-Za-z0-9_]+)/.exec(rest);
    if (!m) {
      out += '$';
      continue;
    }
    if (m[1] === '0') out += match; // the only group a shell pattern has
    i += m[0].length;
  }
  return out;
}

/** Go's ReplaceAllString loop: successive matches; an empty match right after one is skipped. */
function replaceAllGo(value: string, pattern: ShellPattern, replacement: string): string {
  const chars = Array.from(value);
  let out = '';
  let lastEnd = 0;
  let search = 0;
  while (search <= chars.length) {
    const m = findFirst(pattern, chars, search);
    if (!m) break;
    out += chars.slice(lastEnd, m[0]).join('');
    if (m[1] > lastEnd || m[0] === 0) out += expandTemplate(replacement, chars.slice(m[0], m[1]).join(''));
    lastEnd = m[1];
    search = search + 1 > m[1] ? search + 1 : m[1];
  }
  return out + chars.slice(lastEnd).join('');
}
