// Splits a Go text/template source into tokens: text between actions, and the words inside
// `{{ … }}` (fields, variables, literals, keywords, punctuation). Trim markers `{{- ` / ` -}}`
// are applied here, and comments `{{/* … */}}` are dropped.
import { TemplateError, location } from './template-error.js';

export type TokenType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'field' | 'variable' | 'identifier'
  | 'keyword' | 'string' | 'rawString' | 'char' | 'number' | 'bool' | 'nil' | 'pipe'
  | 'leftParen' | 'rightParen' | 'declare' | 'assign' | 'comma' | 'dot' | 'eof';

export interface Token {
  readonly type: TokenType;
  readonly value: string;
  readonly pos: number;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);
const SPACE = /[ \t\r\n]/;
const ALNUM = /[\p{L}\p{N}_]/u;

function isSpace(c: string | undefined): boolean {
  return c !== undefined && SPACE.test(c);
}

function isAlnum(c: string | undefined): boolean {
  if (c === undefined) return false;
  // ASCII without the Unicode class: compiling \p{L} costs a CLI run milliseconds and memory.
  const code = c.charCodeAt(0);
  if (code < 0x80) return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
  return ALNUM.test(c);
}

/** Tokenizes the whole template; throws TemplateError on malformed actions. */
export function lex(text: string, name = ''): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const fail = (at: number, msg: string): never => {
    throw new TemplateError(`template: ${name}:${location(text, at).line}: ${msg}`);
  };

  while (pos <= text.length) {
    // Text up to the next action.
    const open = text.indexOf('{{', pos);
    const end = open === -1 ? text.length : open;
    let chunk = text.slice(pos, end);
    const trimLeft = open !== -1 && text[open + 2] === '-' && isSpace(text[open + 3]);
    if (trimLeft) chunk = chunk.replace(/[ \t\r\n]+$/, '');
    if (chunk.length > 0) tokens.push({ type: 'text', value: chunk, pos });
    if (open === -1) break;

    pos = open + 2 + (trimLeft ? 2 : 0);
    // A comment must start right after the delimiter (and the trim marker).
    if (text.startsWith('/*', pos)) {
      const close = text.indexOf('*/', pos + 2);
      if (close === -1) fail(open, 'unclosed comment');
      pos = close + 2;
      const trimRight = text.startsWith(' -}}', pos) || /^[ \t\r\n]-}}/.test(text.slice(pos, pos + 4));
      if (trimRight) pos += 4;
      else if (text.startsWith('}}', pos)) pos += 2;
      else fail(open, 'comment ends before closing delimiter');
      if (trimRight) pos = skipSpace(text, pos);
      continue;
    }
    tokens.push({ type: 'leftDelim', value: '{{', pos: open });
    pos = lexInsideAction(text, pos, tokens, fail);
  }
  tokens.push({ type: 'eof', value: '', pos: text.length });
  return tokens;
}

function skipSpace(text: string, pos: number): number {
  while (isSpace(text[pos])) pos++;
  return pos;
}

/** Lexes one action body; returns the position just after its closing delimiter. */
function lexInsideAction(text: string, pos: number, tokens: Token[], fail: (at: number, msg: string) => never): number {
  let parenDepth = 0;
  const start = pos;
  for (;;) {
    // Right delimiter, possibly with trim marker.
    if (isSpace(text[pos]) && text[pos + 1] === '-' && text.startsWith('}}', pos + 2)) {
      if (parenDepth > 0) fail(pos, 'unclosed left paren');
      tokens.push({ type: 'rightDelim', value: '}}', pos: pos + 2 });
      return skipSpace(text, pos + 4);
    }
    if (text.startsWith('}}', pos)) {
      if (parenDepth > 0) fail(pos, 'unclosed left paren');
      tokens.push({ type: 'rightDelim', value: '}}', pos });
      return pos + 2;
    }
    const c = text[pos];
    if (c === undefined) fail(start, 'unclosed action');
    if (isSpace(c)) {
      const s = pos;
      while (isSpace(text[pos]) && !(text[pos + 1] === '-' && text.startsWith('}}', pos + 2) && isSpace(text[pos]))) pos++;
      if (pos === s) pos++;
      tokens.push({ type: 'space', value: text.slice(s, pos), pos: s });
      continue;
    }
    if (c === '|') { tokens.push({ type: 'pipe', value: c, pos }); pos++; continue; }
    if (c === ',') { tokens.push({ type: 'comma', value: c, pos }); pos++; continue; }
    if (c === '(') { parenDepth++; tokens.push({ type: 'leftParen', value: c, pos }); pos++; continue; }
    if (c === ')') {
      parenDepth--;
      if (parenDepth < 0) fail(pos, `unexpected right paren`);
      tokens.push({ type: 'rightParen', value: c, pos }); pos++; continue;
    }
    if (c === ':') {
      if (text[pos + 1] !== '=') fail(pos, 'expected :=');
      tokens.push({ type: 'declare', value: ':=', pos }); pos += 2; continue;
    }
    if (c === '=') { tokens.push({ type: 'assign', value: c, pos }); pos++; continue; }
    if (c === '"') {
      const s = pos++;
      for (;;) {
        const d = text[pos];
        if (d === undefined || d === '\n') fail(s, 'unterminated quoted string');
        pos++;
        if (d === '\\') { if (text[pos] === undefined) fail(s, 'unterminated quoted string'); pos++; }
        else if (d === '"') break;
      }
      tokens.push({ type: 'string', value: text.slice(s, pos), pos: s });
      continue;
    }
    if (c === '`') {
      const close = text.indexOf('`', pos + 1);
      if (close === -1) fail(pos, 'unterminated raw quoted string');
      tokens.push({ type: 'rawString', value: text.slice(pos, close + 1), pos });
      pos = close + 1;
      continue;
    }
    if (c === "'") {
      const s = pos++;
      for (;;) {
        const d = text[pos];
        if (d === undefined || d === '\n') fail(s, 'unterminated character constant');
        pos++;
        if (d === '\\') { if (text[pos] === undefined) fail(s, 'unterminated character constant'); pos++; }
        else if (d === "'") break;
      }
      tokens.push({ type: 'char', value: text.slice(s, pos), pos: s });
      continue;
    }
    if (c === '$') {
      const s = pos++;
      while (isAlnum(text[pos])) pos++;
      tokens.push({ type: 'variable', value: text.slice(s, pos), pos: s });
      continue;
    }
    if (c === '.') {
      if (/[0-9]/.test(text[pos + 1] ?? '')) { pos = lexNumber(text, pos, tokens, fail); continue; }
      const s = pos++;
      if (!isAlnum(text[pos])) { tokens.push({ type: 'dot', value: '.', pos: s }); continue; }
      while (isAlnum(text[pos])) pos++;
      tokens.push({ type: 'field', value: text.slice(s, pos), pos: s });
      continue;
    }
    if (/[0-9]/.test(c) || ((c === '-' || c === '+') && /[0-9.]/.test(text[pos + 1] ?? ''))) {
      pos = lexNumber(text, pos, tokens, fail);
      continue;
    }
    if (isAlnum(c)) {
      const s = pos;
      while (isAlnum(text[pos])) pos++;
      const word = text.slice(s, pos);
      const type: TokenType = KEYWORDS.has(word) ? 'keyword' : word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'identifier';
      tokens.push({ type, value: word, pos: s });
      continue;
    }
    fail(pos, `unrecognized character in action: ${JSON.stringify(c)}`);
  }
}

function lexNumber(text: string, pos: number, tokens: Token[], fail: (at: number, msg: string) => never): number {
  const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][+-]?[0-9_]+)?)i?/.exec(text.slice(pos));
  const s = m?.[0] ?? '';
  if (s === '' || s === '+' || s === '-' || isAlnum(text[pos + s.length])) {
    let e = pos + s.length;
    while (isAlnum(text[e]) || text[e] === '.') e++;
    fail(pos, `bad number syntax: "${text.slice(pos, Math.max(e, pos + 1))}"`);
  }
  tokens.push({ type: 'number', value: s, pos });
  return pos + s.length;
}
