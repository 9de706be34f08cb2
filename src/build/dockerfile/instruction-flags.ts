// Instruction flags (`COPY --from=x`, `RUN --mount=…`), checked like BuildKit's BFlags: only the
// instruction's own flags, no duplicates except for repeatable ones, booleans true/false.
import { InstructionSyntaxError } from './argument-forms.js';
import { suggest } from './suggest.js';

export type FlagKind = 'bool' | 'string' | 'strings';

export type FlagSpec = Record<string, FlagKind>;

export interface ParsedFlags {
  bools: Map<string, boolean>;
  strings: Map<string, string>;
  lists: Map<string, string[]>;
  /** Names given, in order. */
  used: Set<string>;
}

export function parseFlags(args: readonly string[], spec: FlagSpec): ParsedFlags {
  const out: ParsedFlags = { bools: new Map(), strings: new Map(), lists: new Map(), used: new Set() };
  for (const a of args) {
    if (a === '--') break;
    if (!a.startsWith('--')) throw new InstructionSyntaxError(`arg should start with -- : ${a}`);
    const eq = a.indexOf('=');
    const flagName = eq === -1 ? a : a.slice(0, eq);
    const value = eq === -1 ? '' : a.slice(eq + 1);
    const hasValue = eq !== -1;
    const name = flagName.slice(2);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!kind) throw new InstructionSyntaxError(suggest(`unknown flag: ${flagName}`, name, Object.keys(spec), true));
    if (out.used.has(name) && kind !== 'strings') throw new InstructionSyntaxError(`duplicate flag specified: ${flagName}`);
    out.used.add(name);
    switch (kind) {
      case 'bool': {
        if (hasValue && value === '') throw new InstructionSyntaxError(`missing a value on flag: ${flagName}`);
        const v = value.toLowerCase();
        if (v !== 'true' && v !== '' && v !== 'false') {
          throw new InstructionSyntaxError(`expecting boolean value for flag ${flagName}, not: ${value}`);
        }
        out.bools.set(name, v !== 'false');
        break;
      }
      case 'string':
        if (!hasValue) throw new InstructionSyntaxError(`missing a value on flag: ${flagName}`);
        out.strings.set(name, value);
        break;
      case 'strings': {
        if (!hasValue) throw new InstructionSyntaxError(`missing a value on flag: ${flagName}`);
        const list = out.lists.get(name) ?? [];
        list.push(value);
        out.lists.set(name, list);
        break;
      }
    }
  }
  return out;
}
