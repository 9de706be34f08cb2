// docker's `filters` query value: a set of values per key, parsed from either JSON form, and the
// ways docker's endpoints match them (exact, prefix, regexp, key=value labels, booleans).
import { InvalidArgumentError } from '../errors.js';

/** docker's "invalid filter 'key'" / "invalid filter 'key=[v1 v2]'" (400). */
export function invalidFilter(key?: string, values?: string[]): InvalidArgumentError {
  if (key === undefined) return new InvalidArgumentError('invalid filter');
  return new InvalidArgumentError(`invalid filter '${key}${values ? `=[${values.join(' ')}]` : ''}'`);
}

export class FilterArgs {
  /** Values per key as a set (docker keeps them in a map: duplicates collapse). */
  private constructor(private readonly fields: ReadonlyMap<string, ReadonlySet<string>>) {}

  static empty(): FilterArgs {
    return new FilterArgs(new Map());
  }

  /** Test and internal construction: `{label: ['a=b']}`. */
  static of(record: Record<string, string[]>): FilterArgs {
    return new FilterArgs(new Map(Object.entries(record).map(([k, v]) => [k, new Set(v)])));
  }

  /**
   * The query value: `{"key":{"value":true}}` (current) or `{"key":["value"]}` (legacy); empty or
   * absent is no filter. Anything else is docker's bare "invalid filter".
   */
  static parse(raw: string | null | undefined): FilterArgs {
    if (!raw) return FilterArgs.empty();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw invalidFilter();
    }
    if (parsed === null) return FilterArgs.empty();
    if (typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidFilter();
    const fields = new Map<string, Set<string>>();
    for (const [key, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (v === null) fields.set(key, new Set());
      else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) fields.set(key, new Set(v as string[]));
      // Only values mapped to true count (false ones are how old clients switch a value off).
      else if (typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'boolean')) {
        fields.set(key, new Set(Object.keys(v).filter((x) => (v as Record<string, boolean>)[x])));
      } else throw invalidFilter();
    }
    return new FilterArgs(fields);
  }

  /** A copy with `value` added to the key's values. */
  with(key: string, value: string): FilterArgs {
    const fields = new Map(this.fields);
    fields.set(key, new Set([...(this.fields.get(key) ?? []), value]));
    return new FilterArgs(fields);
  }

  get size(): number {
    return this.fields.size;
  }

  keys(): string[] {
    return [...this.fields.keys()];
  }

  has(key: string): boolean {
    return this.fields.has(key);
  }

  get(key: string): string[] {
    return [...(this.fields.get(key) ?? [])];
  }

  /** The key's value when given at most once; more is docker's invalid filter for that key. */
  single(key: string): string | undefined {
    const values = this.get(key);
    if (values.length > 1) throw invalidFilter(key, values);
    return values[0];
  }

  /** Refuses a key the endpoint does not know: docker's `invalid filter 'x'`. */
  validate(accepted: readonly string[]): this {
    for (const key of this.fields.keys()) if (!accepted.includes(key)) throw invalidFilter(key);
    return this;
  }

  /** True without values for the key; else when `source` is one of them. */
  exact(key: string, source: string): boolean {
    const values = this.fields.get(key);
    return !values || values.size === 0 || values.has(source);
  }

  /** `exact`, or `source` starts with one of the values (ids, names in events). */
  prefix(key: string, source: string): boolean {
    if (this.exact(key, source)) return true;
    for (const v of this.fields.get(key)!) if (source.startsWith(v)) return true;
    return false;
  }

  /** `exact`, or one of the values as an unanchored regular expression finds `source` (names, ids). */
  regexp(key: string, source: string): boolean {
    if (this.exact(key, source)) return true;
    for (const v of this.fields.get(key)!) {
      let re: RegExp;
      try {
        re = new RegExp(v);
      } catch {
        continue; // docker skips a value that does not compile
      }
      if (re.test(source)) return true;
    }
    return false;
  }

  /** Every `k` / `k=v` value of the key is among `labels` (true without values). */
  labels(key: string, labels: Readonly<Record<string, string>> | null | undefined): boolean {
    const values = this.fields.get(key);
    if (!values || values.size === 0) return true;
    const l = labels ?? {};
    for (const v of values) {
      const eq = v.indexOf('=');
      const k = eq === -1 ? v : v.slice(0, eq);
      if (!Object.hasOwn(l, k)) return false;
      if (eq !== -1 && l[k] !== v.slice(eq + 1)) return false;
    }
    return true;
  }

  /**
   * The prune rule: `label` must all match, and when `label!` is given the object is kept out only
   * if all of its `label!` values match too (docker's reading of the negation).
   */
  labelsAndNot(labels: Readonly<Record<string, string>> | null | undefined): boolean {
    if (!this.labels('label', labels)) return false;
    return !(this.has('label!') && this.labels('label!', labels));
  }

  /** `true`/`1` or `false`/`0`; absent is the default; empty, both or other is invalid. */
  bool(key: string, dflt: boolean): boolean {
    const values = this.fields.get(key);
    if (!values) return dflt;
    if (values.size === 0) throw invalidFilter(key);
    const isTrue = values.has('true') || values.has('1');
    const isFalse = values.has('false') || values.has('0');
    if (isTrue === isFalse) throw invalidFilter(key, this.get(key));
    return isTrue;
  }
}
