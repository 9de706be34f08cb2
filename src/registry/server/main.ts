// Standalone entry of the registry: `node main.js serve [flags]` / `node main.js gc [flags]`.
// The same flags as `berth registry …` (both read flags.ts).
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../../errors.js';
import { type FlagSpec, type FlagValues, GC_FLAGS, SERVE_FLAGS, configFromFlags } from './flags.js';
import { collectGarbage } from './gc.js';
import { startRegistry } from './server.js';

function options(specs: FlagSpec[]) {
  return Object.fromEntries(specs.map((f) => [f.name, { type: f.type, multiple: f.multiple ?? false }])) as Record<
    string,
    { type: 'string' | 'boolean'; multiple: boolean }
  >;
}

function usage(specs: FlagSpec[]): string {
  return specs.map((f) => `  --${f.name}${f.value ? ' ' + f.value : ''}  ${f.description}`).join('\n');
}

/** Runs `serve` until SIGINT/SIGTERM; prints the listening URL on stderr. */
export async function runServe(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: options(SERVE_FLAGS), strict: true });
  const config = await configFromFlags(values as FlagValues);
  const running = await startRegistry(config);
  process.stderr.write(`berth registry listening on ${running.url} (root ${config.root})\n`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function runGc(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: options(GC_FLAGS), strict: true });
  const config = await configFromFlags(values as FlagValues);
  const dryRun = values['dry-run'] === true;
  const report = await collectGarbage(config.root, { dryRun, graceMs: config.gcGraceMs, uploadMaxIdleMs: config.uploadMaxIdleMs });
  for (const b of report.blobs) process.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${b.digest} (${b.size} bytes)\n`);
  process.stdout.write(
    `${dryRun ? 'would free' : 'freed'} ${report.bytes} bytes in ${report.blobs.length} blobs; ` +
      `${report.orphanFiles} orphan files, ${report.uploads} idle uploads, ${report.ingestFiles} stale ingest files\n`,
  );
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === 'serve') return runServe(rest);
  if (cmd === 'gc') return runGc(rest);
  process.stderr.write(`usage: main.js serve [flags] | gc [flags]\n\nserve:\n${usage(SERVE_FLAGS)}\n\ngc:\n${usage(GC_FLAGS)}\n`);
  process.exitCode = 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`berth registry: ${errorMessage(err)}\n`);
    process.exit(1);
  });
}
