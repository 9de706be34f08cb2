// The parts of Go's fmt package that templates reach: how values print (%v), Sprint/Sprintln
// spacing, and Sprintf verbs with flags, width and precision. Numbers from JSON are Go float64s,
// so they print as Go prints floats (1e+06, not 1000000) — docker's own templates behave so.

/** Go's `%v` / `%g` of a float64; `precision` -1 is the shortest exact form. */
export function formatFloatG(n: number, precision = -1, upper = false): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const expStr = precision < 0 ? n.toExponential() : n.toExponential(Math.max(precision, 1) - 1);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(expStr)!;
  const sign = m[1]!;
  let digits = m[2]! + (m[3] ?? '');
  const exp = Number(m[4]);
  digits = digits.replace(/0+$/, '') || '0';
  let eprec = precision < 0 ? 6 : Math.max(precision, 1);
  if (precision >= 0 && eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
  if (precision < 0) eprec = 6;
  if (exp < -4 || exp >= eprec) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

function formatExp(n: number, precision: number, upper: boolean): string {
  const s = n.toExponential(precision);
  const m = /^(.*)e([+-])(\d+)$/.exec(s)!;
  const e = m[3]!.length < 2 ? '0' + m[3] : m[3];
  return `${m[1]}${upper ? 'E' : 'e'}${m[2]}${e}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Go's `%v` (and Sprint) of one value. `undefined` is Go's invalid value, `null` a nil. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      // docker executes templates on typed structs first, where counts and sizes are ints.
      return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : formatFloatG(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'function':
      return '<func>';
  }
  if (Array.isArray(v)) return `[${v.map((e) => (e === undefined ? '<nil>' : formatValue(e))).join(' ')}]`;
  if (v instanceof Date) return v.toISOString();
  if (isPlainObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${v[k] === undefined ? '<nil>' : formatValue(v[k])}`).join(' ')}]`;
  }
  const custom = (v as { toString?: () => string }).toString;
  if (typeof custom === 'function' && custom !== Object.prototype.toString) return custom.call(v);
  return `{${Object.values(v as object).map(formatValue).join(' ')}}`;
}

/** Go's `%T`. */
export function goTypeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  if (isPlainObject(v)) return 'map[string]interface {}';
  return `*${(v as object).constructor?.name ?? 'struct'}`;
}

/** Sprint: spaces between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += a === undefined ? '<nil>' : formatValue(a);
  });
  return out;
}

/** Sprintln: always spaces, and a newline. */
export function sprintln(args: unknown[]): string {
  return args.map((a) => (a === undefined ? '<nil>' : formatValue(a))).join(' ') + '\n';
}

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const len = [...s].length;
  if (spec.width === undefined || len >= spec.width) return s;
  const fill = spec.width - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && numeric) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function withSign(s: string, n: number, spec: Spec): string {
  if (n >= 0 && !s.startsWith('-')) {
    if (spec.plus) return '+' + s;
    if (spec.space) return ' ' + s;
  }
  return s;
}

function bad(verb: string, arg: unknown): string {
  return `%!${verb}(${goTypeName(arg)}=${formatValue(arg)})`;
}

function formatOne(verb: string, arg: unknown, spec: Spec): string {
  switch (verb) {
    case 'v':
      if (typeof arg === 'number') return pad(withSign(formatValue(arg), arg, spec), spec, true);
      if (spec.sharp && typeof arg === 'string') return pad(goQuote(arg), spec, false);
      return pad(arg === undefined ? '<nil>' : formatValue(arg), spec, false);
    case 's': {
      let s = arg === undefined ? '%!s(<nil>)' : typeof arg === 'string' ? arg : formatValue(arg);
      if (spec.prec !== undefined) s = [...s].slice(0, spec.prec).join('');
      return pad(s, spec, false);
    }
    case 'q':
      if (typeof arg === 'number' && Number.isInteger(arg)) return pad(`'${String.fromCodePoint(arg)}'`, spec, false);
      return pad(goQuote(typeof arg === 'string' ? arg : formatValue(arg)), spec, false);
    case 'd':
      if (typeof arg === 'number' && Number.isInteger(arg)) return pad(withSign(String(arg), arg, spec), spec, true);
      if (typeof arg === 'boolean' || typeof arg === 'string' || arg == null || typeof arg === 'number') return bad(verb, arg);
      return pad(formatValue(arg), spec, false);
    case 'b':
    case 'o':
    case 'x':
    case 'X': {
      const base = verb === 'b' ? 2 : verb === 'o' ? 8 : 16;
      if (typeof arg === 'number' && Number.isInteger(arg)) {
        let s = Math.abs(arg).toString(base);
        if (verb === 'X') s = s.toUpperCase();
        if (spec.sharp) s = (verb === 'x' ? '0x' : verb === 'X' ? '0X' : verb === 'o' ? '0' : '') + s;
        return pad(withSign((arg < 0 ? '-' : '') + s, arg, spec), spec, true);
      }
      if (typeof arg === 'string' && base === 16) {
        let s = Buffer.from(arg, 'utf8').toString('hex');
        if (verb === 'X') s = s.toUpperCase();
        return pad(s, spec, false);
      }
      return bad(verb, arg);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (typeof arg !== 'number') return bad(verb, arg);
      let s: string;
      if (verb === 'e' || verb === 'E') s = formatExp(arg, spec.prec ?? 6, verb === 'E');
      else if (verb === 'f' || verb === 'F') s = arg.toFixed(spec.prec ?? 6);
      else s = formatFloatG(arg, spec.prec ?? -1, verb === 'G');
      return pad(withSign(s, arg, spec), spec, true);
    }
    case 't':
      return typeof arg === 'boolean' ? pad(String(arg), spec, false) : bad(verb, arg);
    case 'c':
      return typeof arg === 'number' && Number.isInteger(arg) && arg >= 0 && arg <= 0x10ffff ? pad(String.fromCodePoint(arg), spec, false) : bad(verb, arg);
    case 'T':
      return pad(goTypeName(arg), spec, false);
    default:
      return `%!${verb}(${goTypeName(arg)}=${formatValue(arg)})`;
  }
}

/** Go's fmt.Sprintf for the verbs templates use. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c !== '%') { out += c; i++; continue; }
    i++;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') spec.minus = true;
      else if (f === '+') spec.plus = true;
      else if (f === '#') spec.sharp = true;
      else if (f === ' ') spec.space = true;
      else if (f === '0') spec.zero = !spec.minus;
      else break;
    }
    const readNum = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return typeof a === 'number' ? Math.trunc(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = readNum();
    if (spec.width !== undefined && spec.width < 0) { spec.minus = true; spec.width = -spec.width; }
    if (format[i] === '.') {
      i++;
      spec.prec = readNum() ?? 0;
    }
    const verb = format[i];
    if (verb === undefined) { out += '%!(NOVERB)'; break; }
    i++;
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    out += formatOne(verb, args[argi++], spec);
  }
  if (argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => `${goTypeName(a)}=${formatValue(a)}`).join(', ') + ')';
  }
  return out;
}
