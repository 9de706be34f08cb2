// Long file: one parser for one grammar (Go text/template); its productions call each other.
// Builds the syntax tree of a Go text/template from the lexer's tokens, following the grammar of
// Go's text/template/parse: actions, pipelines with declarations, if/else if/range/with/else,
// break/continue, define/template/block, and parenthesised sub-pipelines.
import { type Token, type TokenType, lex } from './lexer.js';
import { TemplateError, location } from './template-error.js';

export type ArgNode =
  | { kind: 'field'; pos: number; idents: string[] }
  | { kind: 'variable'; pos: number; name: string; idents: string[] }
  | { kind: 'dot'; pos: number }
  | { kind: 'identifier'; pos: number; name: string }
  | { kind: 'chain'; pos: number; node: ArgNode; idents: string[] }
  | { kind: 'string'; pos: number; value: string; text: string }
  | { kind: 'number'; pos: number; value: number; text: string }
  | { kind: 'bool'; pos: number; value: boolean }
  | { kind: 'nil'; pos: number }
  | { kind: 'pipe'; pos: number; pipe: PipeNode };

export interface CommandNode {
  pos: number;
  args: ArgNode[];
}

export interface PipeNode {
  pos: number;
  decl: string[];
  isAssign: boolean;
  cmds: CommandNode[];
}

export type Node =
  | { kind: 'text'; pos: number; text: string }
  | { kind: 'action'; pos: number; pipe: PipeNode }
  | { kind: 'if' | 'with' | 'range'; pos: number; pipe: PipeNode; list: Node[]; elseList?: Node[] }
  | { kind: 'template'; pos: number; name: string; pipe?: PipeNode }
  | { kind: 'break' | 'continue'; pos: number };

export interface ParsedTemplate {
  readonly source: string;
  readonly name: string;
  readonly root: Node[];
  /** Templates named by `define`/`block`. */
  readonly defined: Map<string, Node[]>;
}

type ListEnd = { kind: 'end' } | { kind: 'else' } | { kind: 'elseChain'; keyword: string };

class Parser {
  private i = 0;
  private vars: string[][] = [['$']];
  private rangeDepth = 0;
  private afterPipe = false;
  readonly defined = new Map<string, Node[]>();

  constructor(
    private readonly source: string,
    private readonly name: string,
    private readonly tokens: Token[],
    private readonly functions: ReadonlySet<string>,
  ) {}

  fail(pos: number, msg: string): never {
    throw new TemplateError(`template: ${this.name}:${location(this.source, pos).line}: ${msg}`);
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.type !== 'eof') this.i++;
    return t;
  }
  private peekNonSpace(): Token {
    while (this.peek().type === 'space') this.i++;
    return this.peek();
  }
  private nextNonSpace(): Token {
    this.peekNonSpace();
    return this.next();
  }
  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }
  private unexpected(t: Token, context: string): never {
    if (t.type === 'eof') this.fail(t.pos, `unexpected EOF`);
    const shown = t.type === 'rightDelim' ? '"}}"' : t.type === 'space' ? 'space' : `${JSON.stringify(t.value)}`;
    this.fail(t.pos, `unexpected ${shown} in ${context}`);
  }

  parseRoot(): Node[] {
    const list: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'eof') return list;
      if (t.type === 'leftDelim') {
        const save = this.i;
        this.next();
        const kw = this.peekNonSpace();
        if (kw.type === 'keyword' && kw.value === 'define') {
          this.next();
          this.parseDefine();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else' || n.kind === 'elseChain') this.fail(this.tokens[this.i - 1]!.pos, `unexpected {{${n.kind === 'end' ? 'end' : 'else'}}}`);
      list.push(n);
    }
  }

  private parseDefine(): void {
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== 'string' && nameTok.type !== 'rawString') this.unexpected(nameTok, 'define clause');
    this.expect('rightDelim', 'define clause');
    const saved = this.vars;
    this.vars = [['$']];
    const [list, end] = this.itemList('define');
    if (end.kind !== 'end') this.fail(nameTok.pos, 'unexpected {{else}} in define clause');
    this.vars = saved;
    this.defined.set(unquote(nameTok.value, (m) => this.fail(nameTok.pos, m)), list);
  }

  /** One text or action node, or a list terminator ({{end}}, {{else}}). */
  private textOrAction(): Node | ListEnd {
    const t = this.next();
    if (t.type === 'text') return { kind: 'text', pos: t.pos, text: t.value };
    if (t.type === 'leftDelim') return this.action();
    this.unexpected(t, 'input');
  }

  private action(): Node | ListEnd {
    const t = this.peekNonSpace();
    if (t.type === 'keyword') {
      this.next();
      switch (t.value) {
        case 'end':
          this.expect('rightDelim', 'end');
          return { kind: 'end' };
        case 'else': {
          const n = this.peekNonSpace();
          if (n.type === 'keyword' && (n.value === 'if' || n.value === 'with')) return { kind: 'elseChain', keyword: n.value };
          this.expect('rightDelim', 'else');
          return { kind: 'else' };
        }
        case 'if':
        case 'with':
        case 'range':
          return this.control(t.value, t.pos);
        case 'break':
        case 'continue':
          if (this.rangeDepth === 0) this.fail(t.pos, `{{${t.value}}} outside {{range}}`);
          this.expect('rightDelim', t.value);
          return { kind: t.value, pos: t.pos };
        case 'template':
        case 'block':
          return this.templateCall(t.value, t.pos);
        case 'define':
          this.fail(t.pos, 'unexpected define');
      }
    }
    const pipe = this.pipeline('command', 'rightDelim');
    return { kind: 'action', pos: t.pos, pipe };
  }

  private templateCall(keyword: string, pos: number): Node {
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== 'string' && nameTok.type !== 'rawString') this.unexpected(nameTok, `${keyword} clause`);
    const name = unquote(nameTok.value, (m) => this.fail(nameTok.pos, m));
    let pipe: PipeNode | undefined;
    if (this.peekNonSpace().type !== 'rightDelim') pipe = this.pipeline(keyword, 'rightDelim');
    else this.next();
    if (keyword === 'block') {
      const saved = this.vars;
      this.vars = [['$']];
      const [list, end] = this.itemList('block');
      if (end.kind !== 'end') this.fail(pos, 'unexpected {{else}} in block clause');
      this.vars = saved;
      this.defined.set(name, list);
    }
    return { kind: 'template', pos, name, ...(pipe ? { pipe } : {}) };
  }

  private control(kind: 'if' | 'with' | 'range', pos: number): Node {
    this.vars.push([]);
    const pipe = this.pipeline(kind, 'rightDelim');
    if (kind === 'range') this.rangeDepth++;
    const [list, end] = this.itemList(kind);
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (end.kind === 'else') {
      const [l, e] = this.itemList(kind);
      if (e.kind !== 'end') this.fail(pos, `expected end; found {{else}}`);
      elseList = l;
    } else if (end.kind === 'elseChain') {
      if (kind === 'range' || end.keyword !== kind) this.fail(pos, `unexpected else ${end.keyword} in ${kind}`);
      const kw = this.next();
      elseList = [this.control(kind, kw.pos)];
    }
    this.vars.pop();
    return { kind, pos, pipe, list, ...(elseList ? { elseList } : {}) };
  }

  /** Items up to {{end}} or {{else}}. */
  private itemList(context: string): [Node[], ListEnd] {
    const list: Node[] = [];
    for (;;) {
      if (this.peekNonSpace().type === 'eof') this.fail(this.peek().pos, `unexpected EOF`);
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else' || n.kind === 'elseChain') {
        if (context === 'define' && n.kind !== 'end') this.fail(this.peek().pos, 'unexpected {{else}}');
        return [list, n];
      }
      list.push(n);
    }
  }

  private declared(name: string): boolean {
    return this.vars.some((scope) => scope.includes(name));
  }

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { pos: start.pos, decl: [], isAssign: false, cmds: [] };
    // Declarations: `$x :=`, `$x =`, `$i, $e :=`.
    if (start.type === 'variable') {
      const save = this.i;
      this.next();
      const after = this.peekNonSpace();
      if (after.type === 'declare' || after.type === 'assign') {
        this.next();
        pipe.decl.push(start.value);
        pipe.isAssign = after.type === 'assign';
        if (pipe.isAssign && !this.declared(start.value)) this.fail(start.pos, `undefined variable "${start.value}"`);
        if (!pipe.isAssign) this.vars[this.vars.length - 1]!.push(start.value);
      } else if (after.type === 'comma' && (context === 'range')) {
        this.next();
        const second = this.nextNonSpace();
        if (second.type !== 'variable') this.fail(second.pos, `range can only initialize variables`);
        const op = this.nextNonSpace();
        if (op.type !== 'declare' && op.type !== 'assign') this.unexpected(op, 'range');
        pipe.decl.push(start.value, second.value);
        pipe.isAssign = op.type === 'assign';
        if (!pipe.isAssign) this.vars[this.vars.length - 1]!.push(start.value, second.value);
      } else {
        this.i = save;
      }
    }
    for (;;) {
      const t = this.peekNonSpace();
      if (t.type === end) {
        this.next();
        if (pipe.cmds.length === 0) this.fail(t.pos, `missing value for ${context}`);
        if (this.afterPipe) this.fail(t.pos, 'missing command');
        return pipe;
      }
      if (t.type === 'eof' || t.type === 'rightDelim' || t.type === 'rightParen') this.unexpected(t, context);
      pipe.cmds.push(this.command(context));
    }
  }

  private command(context: string): CommandNode {
    const cmd: CommandNode = { pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      this.afterPipe = t.type === 'pipe';
      if (t.type === 'rightDelim' || t.type === 'rightParen') {
        this.i--;
      } else if (t.type !== 'pipe') {
        this.unexpected(t, 'operand');
      }
      break;
    }
    if (cmd.args.length === 0) this.fail(cmd.pos, `empty command`);
    void context;
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().type !== 'field') return node;
    const idents: string[] = [];
    while (this.peek().type === 'field') idents.push(this.next().value.slice(1));
    switch (node.kind) {
      case 'field':
        return { ...node, idents: [...node.idents, ...idents] };
      case 'variable':
        return { ...node, idents: [...node.idents, ...idents] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(node.pos, `unexpected . after term ${JSON.stringify(node.kind)}`);
      default:
        return { kind: 'chain', pos: node.pos, node, idents };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!this.functions.has(t.value)) this.fail(t.pos, `function "${t.value}" not defined`);
        return { kind: 'identifier', pos: t.pos, name: t.value };
      case 'dot':
        return { kind: 'dot', pos: t.pos };
      case 'nil':
        return { kind: 'nil', pos: t.pos };
      case 'variable':
        if (!this.declared(t.value)) this.fail(t.pos, `undefined variable "${t.value}"`);
        return { kind: 'variable', pos: t.pos, name: t.value, idents: [] };
      case 'field':
        return { kind: 'field', pos: t.pos, idents: [t.value.slice(1)] };
      case 'bool':
        return { kind: 'bool', pos: t.pos, value: t.value === 'true' };
      case 'number':
        return { kind: 'number', pos: t.pos, value: parseNumber(t.value, (m) => this.fail(t.pos, m)), text: t.value };
      case 'char': {
        const s = unquote('"' + t.value.slice(1, -1).replace(/"/g, '\\"').replace(/\\'/g, "'") + '"', (m) => this.fail(t.pos, m));
        const cp = s.codePointAt(0);
        if (cp === undefined || [...s].length !== 1) this.fail(t.pos, `malformed character constant: ${t.value}`);
        return { kind: 'number', pos: t.pos, value: cp, text: t.value };
      }
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: t.pos, value: unquote(t.value, (m) => this.fail(t.pos, m)), text: t.value };
      case 'leftParen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rightParen');
        return { kind: 'pipe', pos: t.pos, pipe };
      }
      default:
        this.i--;
        return undefined;
    }
  }
}

function parseNumber(text: string, fail: (msg: string) => never): number {
  if (text.endsWith('i')) fail(`complex numbers are not supported: ${text}`);
  const clean = text.replace(/_/g, '');
  const sign = clean.startsWith('-') ? -1 : 1;
  const body = clean.replace(/^[+-]/, '');
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (/^0[0-7]+$/.test(body)) n = parseInt(body.slice(1), 8);
  else n = Number(body);
  if (!Number.isFinite(n)) fail(`illegal number syntax: "${text}"`);
  return sign * n;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** Go's strconv.Unquote for "…" and `…` literals. */
export function unquote(lit: string, fail: (msg: string) => never): string {
  if (lit.startsWith('`')) return lit.slice(1, -1).replace(/\r/g, '');
  const body = lit.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') { out += c; continue; }
    const e = body[++i];
    if (e === undefined) fail(`invalid syntax`);
    if (e in SIMPLE_ESCAPES) { out += SIMPLE_ESCAPES[e]; continue; }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const hex = body.slice(i + 1, i + 1 + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) fail(`invalid syntax`);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) fail('invalid syntax');
      out += e === 'x' ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      i += hexLen;
      continue;
    }
    if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) fail('invalid syntax');
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
      continue;
    }
    fail(`invalid syntax`);
  }
  return out;
}

/** Parses a template. `functions` are the names a template may call (checked at parse time as Go does). */
export function parseTemplate(source: string, functions: ReadonlySet<string>, name = ''): ParsedTemplate {
  const tokens = lex(source, name);
  const parser = new Parser(source, name, tokens, functions);
  const root = parser.parseRoot();
  return { source, name, root, defined: parser.defined };
}
