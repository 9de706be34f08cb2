// What the completion scripts complete, read from the command table (handed in: see CommandTable) and each command's flag specs
// (and the registry's own flag tables), so the scripts never drift from the commands.
import type { CommandTable } from '../command.js';
import { GLOBAL_FLAGS } from '../global-flags.js';
import { GC_FLAGS, SERVE_FLAGS } from '../../registry/server/flags.js';

export interface CompletionFlag {
  /** `--name`, and `-x` when the flag has a shorthand. */
  readonly names: readonly string[];
  readonly takesValue: boolean;
  readonly description: string;
}

export interface CompletionTree {
  /** Command path ('' for the top) → the words that may follow it, with their summaries. */
  readonly words: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Command path → its flags ('' holds the global ones). */
  readonly flags: ReadonlyMap<string, readonly CompletionFlag[]>;
}

export async function completionTree(table: CommandTable, o: { descriptions?: boolean } = {}): Promise<CompletionTree> {
  const { commands, management } = table;
  const firstLine = (s: string): string => (o.descriptions === false ? '' : s.split('\n')[0]!);
  const words = new Map<string, Map<string, string>>();
  const flags = new Map<string, CompletionFlag[]>();
  const addWord = (parent: string, word: string, summary: string): void => {
    const m = words.get(parent) ?? new Map<string, string>();
    if (!m.has(word)) m.set(word, summary);
    words.set(parent, m);
  };
  for (const [group, summary] of Object.entries(management)) if (!group.includes(' ')) addWord('', group, firstLine(summary));
  flags.set('', GLOBAL_FLAGS.filter((f) => !f.hidden).map((f) => ({
    names: [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])], takesValue: f.kind !== 'bool', description: firstLine(f.description),
  })));
  for (const entry of commands) {
    const def = await entry.load();
    const specs: CompletionFlag[] = def.flags.filter((f) => !f.hidden).map((f) => ({
      names: [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])], takesValue: f.kind !== 'bool', description: firstLine(f.description),
    }));
    for (const path of entry.paths) {
      const parts = path.split(' ');
      for (let i = 0; i < parts.length; i++) addWord(parts.slice(0, i).join(' '), parts[i]!, firstLine(i === parts.length - 1 ? entry.summary : management[parts.slice(0, i + 1).join(' ')] ?? ''));
      flags.set(path, specs);
    }
  }
  // `registry serve|gc` are commander commands of their own, with the registry's flag tables.
  for (const [sub, summary, specs] of [['serve', 'Serve a registry from a directory', SERVE_FLAGS], ['gc', 'Remove blobs no manifest references', GC_FLAGS]] as const) {
    addWord('registry', sub, firstLine(summary));
    flags.set(`registry ${sub}`, specs.map((f) => ({ names: [`--${f.name}`], takesValue: f.type !== 'boolean', description: firstLine(f.description) })));
  }
  return { words, flags };
}
