// Go text/template for berth's `--format`: parse once, execute against JSON-like data or
// formatter contexts. Data model: plain objects are Go maps (a missing key prints `<no value>`),
// class instances are Go structs whose capitalised methods and fields are reachable
// (`{{.Label "k"}}`), `null` is nil, numbers are Go numbers.
import { type TemplateFunction, BUILTIN_FUNCTIONS, isTrue } from './functions.js';
import { formatValue, goTypeName } from './go-fmt.js';
import { type MethodRowPart, methodRowParts, runMethodRow } from './method-row.js';
import { type ArgNode, type CommandNode, type Node, type ParsedTemplate, type PipeNode, parseTemplate } from './parser.js';
import { TemplateError, location } from './template-error.js';

export { TemplateError } from './template-error.js';

const NO_FINAL = Symbol('no final value');
type Final = unknown | typeof NO_FINAL;
const MAX_DEPTH = 10_000;
/** Guards against templates that would print without end (`{{range 1e12}}`). */
const MAX_OUTPUT = 64 * 1024 * 1024;

type ControlNode = Extract<Node, { list: Node[] }>;

class BreakSignal {}
class ContinueSignal {}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function nodeText(n: ArgNode): string {
  switch (n.kind) {
    case 'field':
      return '.' + n.idents.join('.');
    case 'variable':
      return [n.name, ...n.idents].join('.');
    case 'dot':
      return '.';
    case 'identifier':
      return n.name;
    case 'chain':
      return `${nodeText(n.node)}.${n.idents.join('.')}`;
    case 'string':
    case 'number':
      return n.text;
    case 'bool':
      return String(n.value);
    case 'nil':
      return 'nil';
    case 'pipe':
      return '(' + pipeText(n.pipe) + ')';
  }
}

function pipeText(p: PipeNode): string {
  const decl = p.decl.length ? `${p.decl.join(', ')} ${p.isAssign ? '=' : ':='} ` : '';
  return decl + p.cmds.map((c) => c.args.map(nodeText).join(' ')).join(' | ');
}

class Execution {
  private out: string[] = [];
  private outLen = 0;
  private vars: { name: string; value: unknown }[] = [];
  private depth = 0;
  private at: ArgNode | undefined;
  private atPos = 0;

  constructor(
    private readonly tmpl: ParsedTemplate,
    private readonly funcs: Record<string, TemplateFunction>,
  ) {}

  run(data: unknown): string {
    this.vars = [{ name: '$', value: data }];
    this.walkList(data, this.tmpl.root);
    return this.out.join('');
  }

  private fail(msg: string): never {
    const { line, col } = location(this.tmpl.source, this.atPos);
    const at = this.at ? ` at <${nodeText(this.at)}>` : '';
    throw new TemplateError(`template: ${this.tmpl.name}:${line}:${col}: executing "${this.tmpl.name}"${at}: ${msg}`);
  }

  private setAt(n: ArgNode): void {
    this.at = n;
    this.atPos = n.pos;
  }

  private write(s: string): void {
    this.outLen += s.length;
    if (this.outLen > MAX_OUTPUT) this.fail('output too large');
    this.out.push(s);
  }

  private walkList(dot: unknown, list: Node[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private walk(dot: unknown, node: Node): void {
    switch (node.kind) {
      case 'text':
        this.write(node.text);
        return;
      case 'action': {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.write(formatValue(v));
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, node.pipe);
        if (isTrue(v)) this.walkList(node.kind === 'with' ? v : dot, node.list);
        else if (node.elseList) this.walkList(dot, node.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(dot, node as ControlNode);
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
      case 'template': {
        const body = this.tmpl.defined.get(node.name);
        if (!body) {
          this.atPos = node.pos;
          this.fail(`no such template "${node.name}"`);
        }
        const newDot = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined;
        if (++this.depth > MAX_DEPTH) this.fail('exceeded maximum template depth (10000)');
        const saved = this.vars;
        this.vars = [{ name: '$', value: newDot }];
        this.walkList(newDot, body);
        this.vars = saved;
        this.depth--;
        return;
      }
    }
  }

  private walkRange(dot: unknown, node: ControlNode): void {
    const mark = this.vars.length;
    const v = this.evalPipeline(dot, { ...node.pipe, decl: [] });
    const entries: [unknown, unknown][] = [];
    if (Array.isArray(v)) v.forEach((e, i) => entries.push([i, e]));
    else if (v instanceof Map) [...v.keys()].sort().forEach((k) => entries.push([k, v.get(k)]));
    else if (isPlainObject(v)) Object.keys(v).sort().forEach((k) => entries.push([k, v[k]]));
    else if (typeof v === 'number' && Number.isInteger(v)) {
      if (v > MAX_OUTPUT) this.fail(`range over ${v} is too long`);
      for (let i = 0; i < v; i++) entries.push([i, i]);
    } else if (v !== undefined && v !== null) this.fail(`range can't iterate over ${formatValue(v)}`);
    if (entries.length === 0) {
      if (node.elseList) this.walkList(dot, node.elseList);
      this.vars.length = mark;
      return;
    }
    for (const [k, e] of entries) {
      const iterMark = this.vars.length;
      if (node.pipe.decl.length === 1) this.setVar(node.pipe.decl[0]!, e, node.pipe.isAssign);
      else if (node.pipe.decl.length === 2) {
        this.setVar(node.pipe.decl[0]!, k, node.pipe.isAssign);
        this.setVar(node.pipe.decl[1]!, e, node.pipe.isAssign);
      }
      try {
        this.walkList(e, node.list);
      } catch (err) {
        if (err instanceof BreakSignal) { this.vars.length = iterMark; break; }
        if (!(err instanceof ContinueSignal)) throw err;
      }
      this.vars.length = iterMark;
    }
    this.vars.length = mark;
  }

  private setVar(name: string, value: unknown, assign: boolean): void {
    if (assign) {
      for (let i = this.vars.length - 1; i >= 0; i--) {
        if (this.vars[i]!.name === name) { this.vars[i]!.value = value; return; }
      }
      this.fail(`undefined variable: ${name}`);
    }
    this.vars.push({ name, value });
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.fail(`undefined variable: ${name}`);
  }

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    let value: Final = NO_FINAL;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    if (value === NO_FINAL) value = undefined;
    for (const name of pipe.decl) this.setVar(name, value, pipe.isAssign);
    return value;
  }

  private notAFunction(args: ArgNode[], final: Final, what: ArgNode): void {
    if (args.length > 1 || final !== NO_FINAL) {
      this.setAt(what);
      this.fail(`can't give argument to non-function ${nodeText(what)}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldChain(dot, dot, first, first.idents, cmd.args, final);
      case 'chain': {
        const recv = this.evalArg(dot, first.node);
        return this.evalFieldChain(dot, recv, first, first.idents, cmd.args, final);
      }
      case 'identifier':
        return this.evalFunction(dot, first, cmd.args.slice(1), final);
      case 'variable': {
        const v = this.varValue(first.name);
        if (first.idents.length === 0) {
          this.notAFunction(cmd.args, final, first);
          return v;
        }
        return this.evalFieldChain(dot, v, first, first.idents, cmd.args, final);
      }
      case 'pipe': {
        this.notAFunction(cmd.args, final, first);
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, first.pipe);
        this.vars.length = mark;
        return v;
      }
      case 'nil':
        this.setAt(first);
        this.fail('nil is not a command');
    }
    this.notAFunction(cmd.args, final, first);
    return this.evalArg(dot, first);
  }

  private evalArg(dot: unknown, n: ArgNode): unknown {
    this.setAt(n);
    switch (n.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'bool':
      case 'number':
      case 'string':
        return n.value;
      case 'field':
        return this.evalFieldChain(dot, dot, n, n.idents, [n], NO_FINAL);
      case 'variable': {
        const v = this.varValue(n.name);
        return n.idents.length ? this.evalFieldChain(dot, v, n, n.idents, [n], NO_FINAL) : v;
      }
      case 'chain':
        return this.evalFieldChain(dot, this.evalArg(dot, n.node), n, n.idents, [n], NO_FINAL);
      case 'pipe': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, n.pipe);
        this.vars.length = mark;
        return v;
      }
      case 'identifier':
        return this.evalFunction(dot, n, [], NO_FINAL);
    }
  }

  private evalFieldChain(dot: unknown, receiver: unknown, node: ArgNode, idents: string[], args: ArgNode[], final: Final): unknown {
    let r = receiver;
    for (let i = 0; i < idents.length - 1; i++) r = this.evalField(dot, idents[i]!, node, [], NO_FINAL, r);
    return this.evalField(dot, idents[idents.length - 1]!, node, args, final, r);
  }

  private evalField(dot: unknown, name: string, node: ArgNode, args: ArgNode[], final: Final, receiver: unknown): unknown {
    this.setAt(node);
    const hasArgs = args.length > 1 || final !== NO_FINAL;
    if (receiver === undefined) return undefined;
    if (receiver === null) this.fail(`nil pointer evaluating interface {}.${name}`);
    if (receiver instanceof Map) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      return receiver.get(name);
    }
    if (isPlainObject(receiver)) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      return Object.hasOwn(receiver, name) ? receiver[name] : undefined;
    }
    if (typeof receiver === 'object' && isExported(name) && name in receiver) {
      const member = (receiver as Record<string, unknown>)[name];
      if (typeof member === 'function') {
        const callArgs = args.slice(1).map((a) => this.evalArg(dot, a));
        if (final !== NO_FINAL) callArgs.push(final);
        this.setAt(node);
        try {
          return (member as TemplateFunction).apply(receiver, callArgs);
        } catch (err) {
          if (err instanceof TemplateError) throw err;
          this.fail(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (hasArgs) this.fail(`${name} has arguments but cannot be invoked as function`);
      return member;
    }
    this.fail(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  private evalFunction(dot: unknown, fn: Extract<ArgNode, { kind: 'identifier' }>, argNodes: ArgNode[], final: Final): unknown {
    const name = fn.name;
    if (name === 'and' || name === 'or') {
      const all = [...argNodes];
      if (all.length + (final !== NO_FINAL ? 1 : 0) < 1) { this.setAt(fn); this.fail(`wrong number of args for ${name}: want at least 1 got 0`); }
      let v: unknown;
      for (const a of all) {
        v = this.evalArg(dot, a);
        if (name === 'and' ? !isTrue(v) : isTrue(v)) return v;
      }
      if (final !== NO_FINAL) v = final;
      return v;
    }
    const f = this.funcs[name];
    if (!f) { this.setAt(fn); this.fail(`"${name}" is not a defined function`); }
    const args = argNodes.map((a) => this.evalArg(dot, a));
    if (final !== NO_FINAL) args.push(final);
    this.setAt(fn);
    try {
      return f(...args);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      this.fail(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Turns a stack overflow from absurdly nested input into a TemplateError. */
function guardDepth<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw new TemplateError(`template: nesting too deep`);
    throw err;
  }
}

/** A parsed template, ready to execute any number of times. */
export class Template {
  private readonly parsed: ParsedTemplate;
  private readonly funcs: Record<string, TemplateFunction>;
  private readonly methodRow: MethodRowPart[] | undefined;

  /** Parses `source`; throws TemplateError. `extraFunctions` add to (or override) the builtins. */
  constructor(source: string, extraFunctions: Record<string, TemplateFunction> = {}, name = '') {
    this.funcs = { ...BUILTIN_FUNCTIONS, ...extraFunctions };
    this.parsed = guardDepth(() => parseTemplate(source, new Set(Object.keys(this.funcs)), name));
    this.methodRow = methodRowParts(this.parsed.root, this.parsed.defined);
  }

  execute(data: unknown): string {
    const row = this.methodRow && runMethodRow(this.methodRow, data);
    if (row !== undefined) return row;
    return guardDepth(() => new Execution(this.parsed, this.funcs).run(data));
  }
}

/** Parses and runs in one go. */
export function renderTemplate(source: string, data: unknown): string {
  return new Template(source).execute(data);
}

/** Go exports names that start with an upper-case letter (ASCII first: \p{Lu} is slow to compile). */
function isExported(name: string): boolean {
  const code = name.charCodeAt(0);
  if (code < 0x80) return code >= 0x41 && code <= 0x5a;
  return /^\p{Lu}/u.test(name);
}
