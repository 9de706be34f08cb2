// `run` and `create` as docker's CLI does them: create (pulling on "No such image"), then for run
// attach before start, register wait before start, start, stream, exit with the container's code.
import { writeFileSync, existsSync, readFileSync } from 'node:fs';
import type { ApiClient } from '../../client/api-client.js';
import { ApiError } from '../../client/api-error.js';
import {
  attachContainer, beginWait, createContainer, killContainer, resizeContainer, startContainer,
} from '../../client/containers.js';
import { ExitError, type CommandContext, type ParsedCommand } from '../command.js';
import { type CreatePlan, buildCreatePlan } from '../container-options/to-api.js';
import { followTerminalSize, proxySignals, setRawTerminal, streamAttached } from '../terminal/attach-streams.js';

function isNoSuchImage(err: unknown): boolean {
  return err instanceof ApiError && err.statusCode === 404 && /no such image/i.test(err.message);
}

/** Maps a start failure to docker's exit codes: 127 not found, 126 not executable, else 125. */
export function startErrorExitCode(message: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(message)) return 127;
  if (/permission denied|is a directory/.test(message)) return 126;
  return 125;
}

// Pulling and reference parsing load node:crypto and more; only the pull path pays for them.
async function imageDisplayName(image: string): Promise<string> {
  const { familiarString, parseReference, withDefaultTag } = await import('../../oci/reference.js');
  try {
    return familiarString(withDefaultTag(parseReference(image)));
  } catch {
    return image;
  }
}

export function planFromCommand(cmd: ParsedCommand): CreatePlan {
  return buildCreatePlan(cmd.flags, cmd.set, cmd.args, {
    readFile: (p) => readFileSync(p, 'utf8'),
    env: process.env,
  });
}

/** Creates the container (pulling first when asked or needed); returns its ID. */
export async function createFromPlan(ctx: CommandContext, client: ApiClient, plan: CreatePlan, quiet: boolean): Promise<string> {
  const image = plan.body.Image!;
  const pull = async (): Promise<void> => {
    const { pullWithProgress } = await import('./pull-image.js');
    await pullWithProgress(client, image, ctx.stderr, { ...(plan.platform ? { platform: plan.platform } : {}), quiet, ...(ctx.configDir ? { configDir: ctx.configDir } : {}) });
  };
  const cidfile = plan.body.HostConfig?.ContainerIDFile;
  if (cidfile && existsSync(cidfile)) throw new Error(`container ID file found, make sure the other container isn't running or delete ${cidfile}`);
  if (plan.pull === 'always') await pull();
  if (plan.useApiSocket) plan.body = (await import('./api-socket.js')).withApiSocket(client, plan.body);
  const opts = { ...(plan.name ? { name: plan.name } : {}), ...(plan.platform ? { platform: plan.platform } : {}), ...(plan.pod ? { pod: plan.pod } : {}) };
  let created;
  try {
    created = await createContainer(client, plan.body, opts);
  } catch (err) {
    if (!isNoSuchImage(err) || plan.pull !== 'missing') throw err;
    ctx.stderr.write(`Unable to find image '${await imageDisplayName(image)}' locally\n`);
    await pull();
    created = await createContainer(client, plan.body, opts);
  }
  for (const w of created.Warnings ?? []) ctx.stderr.write(`WARNING: ${w}\n`);
  if (plan.useApiSocket) await (await import('./api-socket.js')).copyCredentials(client, created.Id, ctx.configDir);
  if (cidfile) writeFileSync(cidfile, created.Id);
  return created.Id;
}

export interface RunFlags {
  detach: boolean;
  detachKeys?: string;
  sigProxy: boolean;
  quiet: boolean;
}

export async function runContainer(ctx: CommandContext, plan: CreatePlan, flags: RunFlags): Promise<number> {
  const cfg = plan.body;
  const tty = Boolean(cfg.Tty);
  const attachStdin = Boolean(cfg.AttachStdin);
  if (!flags.detach && tty && attachStdin && !ctx.stdin.isTTY) throw new ExitError('the input device is not a TTY', 1);
  if (tty && ctx.stdout.isTTY) {
    const out = ctx.stdout as { rows?: number; columns?: number };
    if (out.rows && out.columns) cfg.HostConfig = { ...cfg.HostConfig, ConsoleSize: [out.rows, out.columns] };
  }
  const client = await ctx.client();
  const id = await createFromPlan(ctx, client, plan, flags.quiet);

  if (flags.detach) {
    try {
      await startContainer(client, id);
    } catch (err) {
      throw new ExitError(`Error response from daemon: ${(err as Error).message}`, startErrorExitCode((err as Error).message));
    }
    ctx.stdout.write(`${id}\n`);
    return 0;
  }

  const attaching = attachStdin || Boolean(cfg.AttachStdout) || Boolean(cfg.AttachStderr);
  const hijacked = attaching
    ? await attachContainer(client, id, { stream: true, stdin: attachStdin, stdout: Boolean(cfg.AttachStdout), stderr: Boolean(cfg.AttachStderr), ...(flags.detachKeys ? { detachKeys: flags.detachKeys } : {}) })
    : undefined;
  const { result: waitResult } = await beginWait(client, id, cfg.HostConfig?.AutoRemove ? 'removed' : 'next-exit');

  const restoreTerminal = tty && attachStdin ? setRawTerminal(ctx.stdin) : () => undefined;
  let stopSignals = (): void => undefined;
  let stopResize = (): void => undefined;
  try {
    const streaming = hijacked
      ? streamAttached(hijacked, { stdin: attachStdin ? ctx.stdin : undefined, stdout: ctx.stdout, stderr: ctx.stderr } as never, {
        tty, sendStdin: attachStdin, ...(flags.detachKeys ? { detachKeys: flags.detachKeys } : {}),
      })
      : undefined;
    try {
      await startContainer(client, id);
    } catch (err) {
      // The output stream ends with the socket; what it says then is not this error.
      streaming?.catch(() => undefined);
      hijacked?.socket.destroy();
      if (cfg.HostConfig?.AutoRemove) await waitResult.catch(() => undefined);
      const msg = (err as Error).message;
      throw new ExitError(err instanceof ApiError ? `Error response from daemon: ${msg}` : msg, startErrorExitCode(msg));
    }
    if (tty) stopResize = followTerminalSize(ctx.stdout, (h, w) => resizeContainer(client, id, h, w));
    if (flags.sigProxy && !tty) stopSignals = proxySignals((sig) => killContainer(client, id, sig));
    if (streaming) {
      const { detached } = await streaming;
      if (detached) return 0;
    }
    const status = await waitResult;
    if (status.Error?.Message) ctx.stderr.write(`${status.Error.Message}\n`);
    return status.StatusCode;
  } finally {
    stopSignals();
    stopResize();
    restoreTerminal();
  }
}
