// Entry points of `registry serve` and `registry gc`, shared by the CLI (`berth registry …`) and
// the standalone program: `node main.js serve [flags]` / `node main.js gc [flags]`.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../../errors.js';
import { type FlagSpec, type FlagValues, GC_FLAGS, SERVE_FLAGS, configFromFlags, flag } from './flags.js';
import { collectGarbage } from './gc.js';
import { startRegistry } from './server.js';

/** Serves until SIGINT/SIGTERM, then closes cleanly; prints the listening URL on stderr. */
export async function serveFromFlags(values: FlagValues): Promise<void> {
  const config = await configFromFlags(values);
  const running = await startRegistry(config);
  process.stderr.write(`berth registry listening on ${running.url} (root ${config.root})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function gcFromFlags(values: FlagValues, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const config = await configFromFlags(values);
  const dryRun = flag(values, 'dry-run') === true;
  const report = await collectGarbage(config.root, { dryRun, graceMs: config.gcGraceMs, uploadMaxIdleMs: config.uploadMaxIdleMs });
  for (const b of report.blobs) out.write(`${dryRun ? 'would remove' : 'removed'} ${b.digest} (${b.size} bytes)\n`);
  out.write(
    `${dryRun ? 'would free' : 'freed'} ${report.bytes} bytes in ${report.blobs.length} blobs; ` +
      `${report.orphanFiles} orphan files, ${report.uploads} idle uploads, ${report.ingestFiles} stale ingest files\n`,
  );
}

function options(specs: FlagSpec[]) {
  return Object.fromEntries(specs.map((f) => [f.name, { type: f.type, multiple: f.multiple ?? false }])) as Record<
    string,
    { type: 'string' | 'boolean'; multiple: boolean }
  >;
}

function usage(specs: FlagSpec[]): string {
  return specs.map((f) => `  --${f.name}${f.value ? ' ' + f.value : ''}  ${f.description}`).join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === 'serve') {
    const { values } = parseArgs({ args: rest, options: options(SERVE_FLAGS), strict: true });
    return serveFromFlags(values as FlagValues);
  }
  if (cmd === 'gc') {
    const { values } = parseArgs({ args: rest, options: options(GC_FLAGS), strict: true });
    return gcFromFlags(values as FlagValues);
  }
  process.stderr.write(`usage: main.js serve [flags] | gc [flags]\n\nserve:\n${usage(SERVE_FLAGS)}\n\ngc:\n${usage(GC_FLAGS)}\n`);
  process.exitCode = 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`berth registry: ${errorMessage(err)}\n`);
    process.exit(1);
  });
}
