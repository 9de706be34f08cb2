// What bin/berth runs: the CLI bundle when it matches dist/ (one file, a code cache: start-up near
// node's own), else dist/src/cli/main.js itself. BERTH_BUNDLE=0 always takes dist/.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshManifest } from './bundle-freshness.cjs';
import { runBundle } from './run-bundle.cjs';

type CliModule = { runCli(argv: string[], importModule: (url: string) => Promise<unknown>): void };

/** dist/src/launcher/ → the package root. */
export const PACKAGE_ROOT = resolve(__dirname, '..', '..', '..');

export function launchCli(root = PACKAGE_ROOT): void {
  dieOfBrokenPipe();
  const argv = process.argv.slice(2);
  // The bundle cannot import() (it runs in a vm.Script): modules left out of it load through this.
  const importModule = (url: string): Promise<unknown> => import(url);
  const manifest = process.env.BERTH_BUNDLE === '0' ? undefined : freshManifest(root);
  if (manifest) {
    (runBundle(root, manifest) as CliModule).runCli(argv, importModule);
    return;
  }
  import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'main.js')).href).then(
    (m: CliModule) => m.runCli(argv, importModule),
    (err: unknown) => {
      process.stderr.write(`berth: cannot load the CLI (run scripts/setup.sh): ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * When the reader of stdout or stderr goes away (`berth logs -f | head -1`), the CLI dies of
 * SIGPIPE there and then, as docker's does and a warm worker's command does. Node ignores SIGPIPE,
 * and would print EPIPE's stack instead (or exit 0, had the command already finished).
 */
function dieOfBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      // A listener added and removed leaves SIGPIPE at its default action: death.
      const none = (): void => undefined;
      process.on('SIGPIPE', none);
      process.off('SIGPIPE', none);
      process.kill(process.pid, 'SIGPIPE');
    });
  }
}
