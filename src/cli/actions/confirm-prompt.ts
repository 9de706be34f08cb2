// docker's "Are you sure you want to continue? [y/N]" prompt for prune commands.
import type { CommandContext } from '../command.js';

export async function confirmPrompt(ctx: CommandContext, warning: string): Promise<boolean> {
  ctx.stdout.write(`${warning}\nAre you sure you want to continue? [y/N] `);
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: ctx.stdin });
  const answer = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
