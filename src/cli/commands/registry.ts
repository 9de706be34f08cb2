// `berth registry serve` and `berth registry gc`: an OCI distribution registry run by the CLI
// itself (not through berthd). Flags come from the registry's own flag tables; the server code is
// loaded only when one of these commands runs.
import { Command, Option } from 'commander';
import type { FlagSpec, FlagValues } from '../../registry/server/flags.js';
import { GC_FLAGS, SERVE_FLAGS } from '../../registry/server/flags.js';

function addFlags(cmd: Command, specs: FlagSpec[]): Command {
  for (const f of specs) {
    const spelled = f.type === 'boolean' ? `--${f.name}` : `--${f.name} <${(f.value ?? 'value').toLowerCase()}>`;
    const opt = new Option(spelled, f.description);
    if (f.multiple) opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    cmd.addOption(opt);
  }
  return cmd;
}

export function registerRegistryCommands(program: Command): void {
  const registry = program.command('registry').description('Run an OCI distribution registry');
  addFlags(
    registry.command('serve').description('Serve a registry (OCI distribution spec v1.1) from a directory'),
    SERVE_FLAGS,
  ).action(async (opts: FlagValues) => {
    const { serveFromFlags } = await import('../../registry/server/main.js');
    await serveFromFlags(opts);
  });
  addFlags(
    registry.command('gc').description('Remove blobs no manifest references (safe while the registry runs)'),
    GC_FLAGS,
  ).action(async (opts: FlagValues) => {
    const { gcFromFlags } = await import('../../registry/server/main.js');
    await gcFromFlags(opts);
  });
}

/**
 * Runs `argv` when it names a registry command (undefined otherwise): commander is loaded with this
 * module only, which stays outside the CLI bundle.
 */
export async function runRegistryCommands(program: string, argv: string[]): Promise<number | undefined> {
  const root = new Command(program);
  root.exitOverride();
  registerRegistryCommands(root);
  if (!root.commands.some((c) => c.name() === argv[0] || c.aliases().includes(argv[0]!))) return undefined;
  try {
    await root.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
}
