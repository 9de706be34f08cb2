import { containerLogs, inspectContainer } from '../../client/containers.js';
import { demuxStream } from '../../client/stream-demux.js';
import type { CommandDefinition } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';

/** since, tail, timestamps, until: shared with `pod logs`. */
export const LOG_RANGE_FLAGS = [
  str('since', undefined, 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)'),
  str('tail', 'n', 'Number of lines to show from the end of the logs', 'all'),
  bool('timestamps', 't', 'Show timestamps'),
  str('until', undefined, 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)'),
];

export const logsCommand: CommandDefinition = {
  name: 'logs',
  usage: '[OPTIONS] CONTAINER',
  description: 'Fetch the logs of a container',
  flags: [
    bool('details', undefined, 'Show extra details provided to logs'),
    bool('follow', 'f', 'Follow log output'),
    ...LOG_RANGE_FLAGS,
  ],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const f = cmd.flags;
    const c = await inspectContainer(client, cmd.args[0]!);
    const { toApiTimestamp } = await import('../format/timestamps.js');
    const res = await containerLogs(client, c.Id, {
      follow: Boolean(f.follow),
      timestamps: Boolean(f.timestamps),
      details: Boolean(f.details),
      tail: f.tail as string,
      ...(f.since ? { since: toApiTimestamp(f.since as string) } : {}),
      ...(f.until ? { until: toApiTimestamp(f.until as string) } : {}),
    });
    if (c.Config?.Tty) {
      for await (const chunk of res) ctx.stdout.write(chunk as Buffer);
    } else {
      await demuxStream(res, ctx.stdout, ctx.stderr);
    }
  },
};
