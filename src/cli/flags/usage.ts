// Help text in docker's layout: Usage, description, Aliases, Options with aligned columns.
import type { FlagSpec } from './flag-spec.js';

function flagColumn(f: FlagSpec): string {
  const type = f.kind === 'bool' ? '' : ` ${f.typeName ?? 'string'}`;
  return (f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`) + type;
}

function defaultNote(f: FlagSpec): string {
  const d = f.default;
  if (d === undefined || d === false || d === '' || (Array.isArray(d) && d.length === 0)) return '';
  if (f.kind === 'bool') return ' (default true)';
  if (typeof d === 'string') return ` (default ${JSON.stringify(d)})`;
  return ` (default ${String(d)})`;
}

/** The aligned Options block (flags sorted by name, `--help` included). */
export function formatFlags(flags: readonly FlagSpec[]): string {
  const all = [...flags.filter((f) => !f.hidden), { name: 'help', kind: 'bool', description: 'Print usage' } as FlagSpec]
    .sort((a, b) => a.name.localeCompare(b.name));
  const cols = all.map(flagColumn);
  const width = Math.max(...cols.map((c) => c.length)) + 3;
  return all.map((f, i) => {
    const lines = (f.description + defaultNote(f)).split('\n');
    return cols[i]!.padEnd(width) + lines.join('\n' + ' '.repeat(width));
  }).join('\n');
}

export interface UsageInfo {
  path: string;
  usage: string;
  description: string;
  aliases?: readonly string[];
  flags: readonly FlagSpec[];
}

export function formatHelp(program: string, info: UsageInfo): string {
  let s = `Usage:  ${program} ${info.path} ${info.usage}\n\n${info.description}\n`;
  if (info.aliases && info.aliases.length > 0) {
    s += `\nAliases:\n  ${info.aliases.map((a) => `${program} ${a}`).join(', ')}\n`;
  }
  s += `\nOptions:\n${formatFlags(info.flags)}\n`;
  return s;
}
