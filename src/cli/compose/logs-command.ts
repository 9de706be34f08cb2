// `compose logs` and the attached half of `compose up`: every container's output, prefixed and
// coloured per container (log-prefixer.ts).
import { beginWait, containerLogs, inspectContainer, stopContainer } from '../../client/containers.js';
import { demuxStream } from '../../client/stream-demux.js';
import type { ContainerSummary } from '../../client/types.js';
import type { ComposeSession } from '../../compose/engine/compose-session.js';
import { projectContainers, serviceOf } from '../../compose/engine/project-containers.js';
import { canonicalContainerName } from '../../compose/engine/resource-names.js';
import { bool, int, str } from '../flags/flag-spec.js';
import type { ComposeContext, ComposeSubcommand } from './compose-context.js';
import { LogPrefixer, logName } from './log-prefixer.js';

interface LogOptions {
  follow: boolean;
  tail?: string;
  since?: string;
  until?: string;
  timestamps: boolean;
}

async function streamLogs(ctx: ComposeContext, project: string, c: ContainerSummary, prefixer: LogPrefixer, o: LogOptions): Promise<void> {
  const name = logName(project, canonicalContainerName(c.Names));
  const sink = prefixer.sink(name);
  const tty = Boolean((await inspectContainer(await ctx.client(), c.Id)).Config?.Tty);
  const res = await containerLogs(await ctx.client(), c.Id, { follow: o.follow, timestamps: o.timestamps, ...(o.tail ? { tail: o.tail } : {}), ...(o.since ? { since: o.since } : {}), ...(o.until ? { until: o.until } : {}) });
  if (tty) for await (const chunk of res) sink.write(chunk as Buffer);
  else await demuxStream(res, sink, sink);
  sink.end();
}

function prefixerFor(ctx: ComposeContext, project: string, containers: readonly ContainerSummary[], f: { noColor?: boolean; noPrefix?: boolean }): LogPrefixer {
  const width = Math.max(0, ...containers.map((c) => logName(project, canonicalContainerName(c.Names)).length));
  const colour = !f.noColor && Boolean(ctx.stdout.isTTY) && process.env.NO_COLOR === undefined;
  return new LogPrefixer(ctx.stdout, width, { colour, prefix: !f.noPrefix });
}

export const logsCommand: ComposeSubcommand = {
  name: 'logs',
  usage: '[OPTIONS] [SERVICE...]',
  description: 'View output from containers',
  flags: [
    bool('follow', 'f', 'Follow log output'),
    int('index', undefined, 'index of the container if service has multiple replicas'),
    bool('no-color', undefined, 'Produce monochrome output'),
    bool('no-log-prefix', undefined, "Don't print prefix in logs"),
    str('since', undefined, 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)'),
    str('tail', 'n', 'Number of lines to show from the end of the logs for each container', 'all'),
    bool('timestamps', 't', 'Show timestamps'),
    str('until', undefined, 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)'),
  ],
  async run(ctx, cmd) {
    const f = cmd.flags;
    const project = await ctx.projectName();
    let containers = await projectContainers(await ctx.client(), project, { services: cmd.args });
    if (f.index !== undefined) containers = containers.filter((c) => c.Labels?.['com.docker.compose.container-number'] === String(f.index));
    const prefixer = prefixerFor(ctx, project, containers, { noColor: Boolean(f['no-color']), noPrefix: Boolean(f['no-log-prefix']) });
    const o: LogOptions = {
      follow: Boolean(f.follow), timestamps: Boolean(f.timestamps),
      ...(f.tail && f.tail !== 'all' ? { tail: f.tail as string } : {}),
      ...(f.since ? { since: f.since as string } : {}), ...(f.until ? { until: f.until as string } : {}),
    };
    await Promise.all(containers.map((c) => streamLogs(ctx, project, c, prefixer, o)));
  },
};

/**
 * `up` without -d: follows every container until all have exited (or, with
 * --abort-on-container-exit, until the first has; then the rest are stopped). Ctrl-C stops them.
 */
export async function followProjectLogs(ctx: ComposeContext, s: ComposeSession, services: readonly string[], o: { abortOnExit: boolean; exitCodeFrom?: string }): Promise<number> {
  const project = s.project.name;
  const containers = await projectContainers(s.client, project, { services });
  const prefixer = prefixerFor(ctx, project, containers, {});
  const stopAll = async (): Promise<void> => {
    ctx.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
    await Promise.all(containers.map((c) => stopContainer(s.client, c.Id).catch(() => undefined)));
  };
  const onSigint = (): void => {
    process.removeListener('SIGINT', onSigint);
    process.once('SIGINT', () => process.exit(130));
    void stopAll();
  };
  process.on('SIGINT', onSigint);
  let exitCode = 0;
  let aborted = false;
  try {
    await Promise.all(containers.map(async (c) => {
      const { result } = await beginWait(s.client, c.Id, 'not-running');
      const logs = streamLogs(ctx, project, c, prefixer, { follow: true, timestamps: false });
      const { StatusCode } = await result;
      await logs;
      const name = canonicalContainerName(c.Names);
      ctx.stdout.write(`${name} exited with code ${StatusCode}\n`);
      if (o.exitCodeFrom === serviceOf(c) || (o.abortOnExit && !o.exitCodeFrom && exitCode === 0)) exitCode = StatusCode;
      if (o.abortOnExit && !aborted) {
        aborted = true;
        await stopAll();
      }
    }));
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  return exitCode;
}
