import { attachContainer, beginWait, inspectContainer, killContainer, resizeContainer } from '../../client/containers.js';
import { type CommandDefinition, ExitError } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';
import { followTerminalSize, proxySignals, setRawTerminal, streamAttached } from '../terminal/attach-streams.js';

export const attachCommand: CommandDefinition = {
  name: 'attach',
  usage: '[OPTIONS] CONTAINER',
  description: 'Attach local standard input, output, and error streams to a running container',
  flags: [
    str('detach-keys', undefined, 'Override the key sequence for detaching a container'),
    bool('no-stdin', undefined, 'Do not attach STDIN'),
    bool('sig-proxy', undefined, 'Proxy all received signals to the process', true),
  ],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const c = await inspectContainer(client, cmd.args[0]!);
    if (!c.State?.Running) throw new ExitError('You cannot attach to a stopped container, start it first', 1);
    if (c.State?.Paused) throw new ExitError('You cannot attach to a paused container, unpause it first', 1);
    if (c.State?.Restarting) throw new ExitError('You cannot attach to a restarting container, wait until it is running', 1);
    const tty = Boolean(c.Config?.Tty);
    const withStdin = !cmd.flags['no-stdin'] && Boolean(c.Config?.OpenStdin);
    if (withStdin && tty && !ctx.stdin.isTTY) throw new ExitError('the input device is not a TTY', 1);
    const detachKeys = cmd.flags['detach-keys'] as string | undefined;
    const hijacked = await attachContainer(client, c.Id, { stream: true, stdin: withStdin, stdout: true, stderr: true, ...(detachKeys ? { detachKeys } : {}) });
    const { result } = await beginWait(client, c.Id, 'not-running');
    const restore = tty && withStdin ? setRawTerminal(ctx.stdin) : () => undefined;
    const stopResize = tty ? followTerminalSize(ctx.stdout, (h, w) => resizeContainer(client, c.Id, h, w)) : () => undefined;
    const stopSignals = cmd.flags['sig-proxy'] !== false && !tty ? proxySignals((sig) => killContainer(client, c.Id, sig)) : () => undefined;
    try {
      const { detached } = await streamAttached(hijacked, { stdin: withStdin ? ctx.stdin : undefined, stdout: ctx.stdout, stderr: ctx.stderr } as never, { tty, sendStdin: withStdin, ...(detachKeys ? { detachKeys } : {}) });
      if (detached) return 0;
      return (await result).StatusCode;
    } finally {
      stopSignals();
      stopResize();
      restore();
    }
  },
};
