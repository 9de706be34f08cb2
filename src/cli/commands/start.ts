import { attachContainer, beginWait, inspectContainer, killContainer, resizeContainer, startContainer } from '../../client/containers.js';
import { type CommandDefinition, ExitError } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';
import { forEachName } from '../actions/each-name.js';
import { followTerminalSize, proxySignals, setRawTerminal, streamAttached } from '../terminal/attach-streams.js';

export const startCommand: CommandDefinition = {
  name: 'start',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Start one or more stopped containers',
  flags: [
    bool('attach', 'a', 'Attach STDOUT/STDERR and forward signals'),
    str('detach-keys', undefined, 'Override the key sequence for detaching a container'),
    bool('interactive', 'i', "Attach container's STDIN"),
  ],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const attach = Boolean(cmd.flags.attach);
    const interactive = Boolean(cmd.flags.interactive);
    if (!attach && !interactive) return forEachName(ctx, cmd.args, (n) => startContainer(client, n));
    if (cmd.args.length > 1) throw new Error('you cannot start and attach multiple containers at once');
    const detachKeys = cmd.flags['detach-keys'] as string | undefined;
    const c = await inspectContainer(client, cmd.args[0]!);
    const tty = Boolean(c.Config?.Tty);
    const withStdin = interactive && Boolean(c.Config?.OpenStdin);
    if (withStdin && tty && !ctx.stdin.isTTY) throw new ExitError('the input device is not a TTY', 1);
    const hijacked = await attachContainer(client, c.Id, { stream: true, stdin: withStdin, stdout: true, stderr: true, ...(detachKeys ? { detachKeys } : {}) });
    const { result } = await beginWait(client, c.Id, c.HostConfig?.AutoRemove ? 'removed' : 'next-exit');
    const restore = tty && withStdin ? setRawTerminal(ctx.stdin) : () => undefined;
    let stopResize = (): void => undefined;
    let stopSignals = (): void => undefined;
    try {
      const streaming = streamAttached(hijacked, { stdin: withStdin ? ctx.stdin : undefined, stdout: ctx.stdout, stderr: ctx.stderr } as never, { tty, sendStdin: withStdin, ...(detachKeys ? { detachKeys } : {}) });
      await startContainer(client, c.Id);
      if (tty) stopResize = followTerminalSize(ctx.stdout, (h, w) => resizeContainer(client, c.Id, h, w));
      if (!tty) stopSignals = proxySignals((sig) => killContainer(client, c.Id, sig));
      const { detached } = await streaming;
      if (detached) return 0;
      return (await result).StatusCode;
    } finally {
      stopSignals();
      stopResize();
      restore();
    }
  },
};
