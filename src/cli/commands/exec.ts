import { readFileSync } from 'node:fs';
import { createExec, inspectExec, resizeExec, startExecAttached, startExecDetached } from '../../client/containers.js';
import { type CommandDefinition, ExitError } from '../command.js';
import { bool, list, str } from '../flags/flag-spec.js';
import { parseEnvFile } from '../container-options/to-api.js';
import { followTerminalSize, setRawTerminal, streamAttached } from '../terminal/attach-streams.js';

export const execCommand: CommandDefinition = {
  name: 'exec',
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  description: 'Execute a command in a running container',
  flags: [
    bool('detach', 'd', 'Detached mode: run command in the background'),
    str('detach-keys', undefined, 'Override the key sequence for detaching a container'),
    list('env', 'e', 'Set environment variables'),
    list('env-file', undefined, 'Read in a file of environment variables'),
    bool('interactive', 'i', 'Keep STDIN open even if not attached'),
    bool('privileged', undefined, 'Give extended privileges to the command'),
    bool('tty', 't', 'Allocate a pseudo-TTY'),
    str('user', 'u', 'Username or UID (format: "<name|uid>[:<group|gid>]")'),
    str('workdir', 'w', 'Working directory inside the container'),
  ],
  interspersed: false,
  args: { min: 2 },
  errorStyle: 'run',
  async run(ctx, cmd) {
    const [container, ...command] = cmd.args;
    const f = cmd.flags;
    const detach = Boolean(f.detach);
    const tty = Boolean(f.tty);
    const interactive = Boolean(f.interactive);
    if (!detach && tty && interactive && !ctx.stdin.isTTY) throw new ExitError('the input device is not a TTY', 1);
    const env: string[] = [];
    for (const file of f['env-file'] as string[]) env.push(...parseEnvFile(readFileSync(file, 'utf8'), process.env, file));
    for (const e of f.env as string[]) env.push(e.includes('=') ? e : process.env[e] !== undefined ? `${e}=${process.env[e]}` : e);
    const out = ctx.stdout as { rows?: number; columns?: number; isTTY?: boolean };
    const consoleSize: [number, number] | undefined = tty && out.isTTY && out.rows && out.columns ? [out.rows, out.columns] : undefined;
    const client = await ctx.client();
    const { Id: execId } = await createExec(client, container!, {
      AttachStdin: interactive && !detach,
      AttachStdout: !detach,
      AttachStderr: !detach,
      Tty: tty,
      Cmd: command,
      Privileged: Boolean(f.privileged),
      ...(env.length ? { Env: env } : {}),
      ...(f.user ? { User: f.user as string } : {}),
      ...(f.workdir ? { WorkingDir: f.workdir as string } : {}),
      ...(f['detach-keys'] ? { DetachKeys: f['detach-keys'] as string } : {}),
      ...(consoleSize ? { ConsoleSize: consoleSize } : {}),
    });
    if (detach) {
      await startExecDetached(client, execId, tty);
      return 0;
    }
    const hijacked = await startExecAttached(client, execId, tty, consoleSize);
    const restore = tty && interactive ? setRawTerminal(ctx.stdin) : () => undefined;
    const stopResize = tty ? followTerminalSize(ctx.stdout, (h, w) => resizeExec(client, execId, h, w)) : () => undefined;
    try {
      const { detached } = await streamAttached(hijacked, { stdin: interactive ? ctx.stdin : undefined, stdout: ctx.stdout, stderr: ctx.stderr } as never, {
        tty, sendStdin: interactive, ...(f['detach-keys'] ? { detachKeys: f['detach-keys'] as string } : {}),
      });
      if (detached) return 0;
    } finally {
      stopResize();
      restore();
    }
    // The exit code is recorded a moment after the stream closes.
    for (let i = 0; i < 100; i++) {
      const info = await inspectExec(client, execId);
      if (!info.Running && info.ExitCode !== null) return info.ExitCode;
      await new Promise((r) => setTimeout(r, 10));
    }
    return 0;
  },
};
