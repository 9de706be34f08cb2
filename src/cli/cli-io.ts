// The streams a command reads and writes. A CLI process of its own uses the process's; a warm
// worker (src/launcher/cli-worker.cts) hands in the launcher's descriptors, one command after another.
import type { CommandContext } from './command.js';

export type CliIO = Pick<CommandContext, 'stdin' | 'stdout' | 'stderr'>;

/** The process's own streams; stdin is made only when a command reads it. */
export function processIO(): CliIO {
  return {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
  };
}
