// How each instruction's text is cut into arguments before typing: the command word, the leading
// `--flags`, then one of the argument forms (JSON array, whitespace list, name=value pairs, one
// string…). Variables are not expanded here; quotes are kept where the expansion step needs them.
import { isGoSpace, splitBlanks, trimLeftSpace, trimSpace } from './go-strings.js';
import { goQuote } from './shell-lexer.js';

/** A problem with one instruction's text; the parser adds the file and line. */
export class InstructionSyntaxError extends Error {}

/** One instruction cut into pieces; ONBUILD keeps its trigger as `child`. */
export interface SplitInstruction {
  command: string;
  flags: string[];
  args: string[];
  json: boolean;
  child?: SplitInstruction;
}

const NOT_STRING_ARRAY = 'when using JSON array syntax, arrays must be comprised of strings only';

/**
 * Takes the leading `--flag[=value]` words off the argument text. Quotes and the escape token are
 * processed inside flags; a bare `--` ends the flags.
 */
export function extractBuilderFlags(line: string, escapeToken: string): { rest: string; flags: string[] } {
  const flags: string[] = [];
  const chars = Array.from(line);
  let pos = 0;
  for (;;) {
    while (pos < chars.length && isGoSpace(chars[pos]!)) pos++;
    if (pos >= chars.length) return { rest: '', flags };
    if (chars[pos] !== '-' || chars[pos + 1] !== '-') return { rest: chars.slice(pos).join(''), flags };
    let word = '';
    let blankOK = false;
    let quote: string | undefined;
    for (; pos < chars.length; pos++) {
      let ch = chars[pos]!;
      if (quote === undefined) {
        if (isGoSpace(ch)) break;
        if (ch === "'" || ch === '"') {
          quote = ch;
          blankOK = true;
          continue;
        }
      } else if (ch === quote) {
        quote = undefined;
        continue;
      }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) {
          quote = undefined;
          continue; // an escape at the end is dropped
        }
        ch = chars[++pos]!;
      }
      word += ch;
    }
    if (word === '--') {
      // `--` ends the flags; what follows (after its blank) is the arguments.
      return { rest: chars.slice(pos).join(''), flags };
    }
    if (blankOK || word.length > 0) flags.push(word);
  }
}

/**
 * Splits on whitespace but keeps quoted text (quotes included) and escapes together, for ENV,
 * LABEL and ARG, whose values are unquoted later by the expansion step.
 */
export function parseWords(rest: string, escapeToken: string): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let inWord = false;
  let quote: string | undefined;
  let blankOK = false;
  let buf = '';
  for (let pos = 0; pos <= chars.length; pos++) {
    if (pos === chars.length) {
      if (inWord && (blankOK || buf.length > 0)) words.push(buf);
      break;
    }
    let ch = chars[pos]!;
    if (!inWord) {
      if (isGoSpace(ch)) continue;
      inWord = true;
    }
    if (quote === undefined) {
      if (isGoSpace(ch)) {
        if (blankOK || buf.length > 0) words.push(buf);
        buf = '';
        blankOK = false;
        inWord = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
      } else if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue; // escape at end of line dropped
        // An escaped character (even a quote) is kept with its escape.
        buf += ch;
        ch = chars[++pos]!;
      }
      buf += ch;
      continue;
    }
    if (ch === quote) {
      quote = undefined;
    } else if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === chars.length) {
        quote = undefined;
        continue;
      }
      buf += ch;
      ch = chars[++pos]!;
    }
    buf += ch;
  }
  return words;
}

/** `[ "a", "b" ]` → ['a','b']; undefined when the text is not a JSON array at all. */
function parseJSONArray(rest: string): string[] | undefined {
  const text = trimLeftSpace(rest);
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v) => typeof v === 'string')) throw new InstructionSyntaxError(NOT_STRING_ARRAY);
  return value as string[];
}

function whitespaceList(rest: string): string[] {
  return rest === '' ? [] : splitBlanks(rest);
}

/** ENV and LABEL: `key value` (old form) or `k=v k2="v 2"` → [key, value, delimiter]*. */
function nameValuePairs(rest: string, command: string, escapeToken: string): string[] {
  const words = parseWords(rest, escapeToken);
  if (words.length === 0) return [];
  if (!words[0]!.includes('=')) {
    const parts = splitBlanks(rest, 2);
    if (parts.length < 2) throw new InstructionSyntaxError(`${command} must have two arguments`);
    return [parts[0]!, parts[1]!, ''];
  }
  const out: string[] = [];
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq === -1) throw new InstructionSyntaxError(`Syntax error - can't find = in ${goQuote(w)}. Must be of the form: name=value`);
    out.push(w.slice(0, eq), w.slice(eq + 1), '=');
  }
  return out;
}

interface ArgForm {
  args: string[];
  json: boolean;
  child?: SplitInstruction;
}

/** Splits an instruction line: command word, flags, and arguments in the command's form. */
export function splitInstruction(line: string, escapeToken: string): SplitInstruction {
  const trimmed = trimSpace(line);
  const [command, tail] = splitBlanks(trimmed, 2) as [string, string | undefined];
  let flags: string[] = [];
  let rest = '';
  if (tail !== undefined) {
    const extracted = extractBuilderFlags(tail, escapeToken);
    flags = extracted.flags;
    rest = trimSpace(extracted.rest);
  }
  const form = argumentsFor(command.toLowerCase(), rest, escapeToken);
  return { command, flags, ...form };
}

function maybeJSON(rest: string): ArgForm {
  if (rest === '') return { args: [], json: false };
  const arr = parseJSONArray(rest);
  return arr ? { args: arr, json: true } : { args: [rest], json: false };
}

function maybeJSONToList(rest: string): ArgForm {
  const arr = parseJSONArray(rest);
  return arr ? { args: arr, json: true } : { args: whitespaceList(rest), json: false };
}

function argumentsFor(cmd: string, rest: string, escapeToken: string): ArgForm {
  switch (cmd) {
    case 'add':
    case 'copy':
    case 'volume':
      return maybeJSONToList(rest);
    case 'cmd':
    case 'entrypoint':
    case 'run':
    case 'shell':
      return maybeJSON(rest);
    case 'arg':
      return { args: parseWords(rest, escapeToken), json: false };
    case 'env':
      return { args: nameValuePairs(rest, 'ENV', escapeToken), json: false };
    case 'label':
      return { args: nameValuePairs(rest, 'LABEL', escapeToken), json: false };
    case 'expose':
    case 'from':
      return { args: whitespaceList(rest), json: false };
    case 'maintainer':
    case 'stopsignal':
    case 'user':
    case 'workdir':
      return { args: rest === '' ? [] : [rest], json: false };
    case 'healthcheck': {
      // The type word (CMD / NONE), then a command like CMD's.
      const chars = Array.from(rest);
      let sep = 0;
      while (sep < chars.length && !isGoSpace(chars[sep]!)) sep++;
      if (sep === 0) return { args: [], json: false };
      let next = sep;
      while (next < chars.length && isGoSpace(chars[next]!)) next++;
      const cmdForm = maybeJSON(chars.slice(next).join(''));
      return { args: [chars.slice(0, sep).join(''), ...cmdForm.args], json: cmdForm.json };
    }
    case 'onbuild': {
      if (rest === '') return { args: [], json: false };
      const child = splitInstruction(rest, escapeToken);
      return { args: [child.command, ...child.args], json: false, child };
    }
    default:
      return { args: [], json: false }; // unknown instruction: reported when typed
  }
}
