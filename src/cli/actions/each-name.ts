// Runs one API call per named object (stop a b c, rm a b…) concurrently, prints each name that
// succeeded in argument order, and reports the failures together at the end like docker.
import { ApiError } from '../../client/api-error.js';
import type { CommandContext } from '../command.js';

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return `Error response from daemon: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export async function forEachName(ctx: CommandContext, names: readonly string[], fn: (name: string) => Promise<string | void>): Promise<number> {
  const results = await Promise.allSettled(names.map((n) => fn(n)));
  const errors: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') ctx.stdout.write(`${r.value ?? names[i]}\n`);
    else errors.push(errorText(r.reason));
  });
  if (errors.length > 0) {
    ctx.stderr.write(errors.join('\n') + '\n');
    return 1;
  }
  return 0;
}
