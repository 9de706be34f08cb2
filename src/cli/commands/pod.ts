// `pod create|ls|inspect|start|stop|restart|kill|pause|unpause|rm|prune|top|logs`: flags →
// /berth/v1/pods calls (src/client/pods.ts) → podman's output where docker has no pods.
import type { ApiClient } from '../../client/api-client.js';
import { parseFilters } from '../../client/filters.js';
import {
  type PodActionReport, type PodCreateBody, type PodPortBinding, createPod, inspectPod, killPod, listPods, pausePod, podLogs, prunePods, removePod,
  restartPod, startPod, stopPod, topPod, unpausePod,
} from '../../client/pods.js';
import { demuxStream } from '../../client/stream-demux.js';
import type { CommandDefinition } from '../command.js';
import { bool, int, keyValueMap, list, str } from '../flags/flag-spec.js';
import { errorText, forEachName } from '../actions/each-name.js';
import { confirmPrompt } from '../actions/confirm-prompt.js';
import { FORMAT_FLAG } from '../actions/inspect-objects.js';
import { compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import { DEFAULT_POD_TABLE, POD_HEADERS, PodRow } from '../format/pod-context.js';
import { alignColumns } from '../format/tabwriter.js';
import { parsePublish } from '../container-options/port-spec.js';
import { LOG_RANGE_FLAGS } from './logs.js';

export const podCreateCommand: CommandDefinition = {
  name: 'pod create',
  usage: '[OPTIONS] [NAME]',
  description: 'Create a new empty pod',
  flags: [
    str('name', 'n', 'Assign a name to the pod'),
    list('label', 'l', 'Set metadata on the pod'),
    str('hostname', undefined, "Set the pod's hostname"),
    list('publish', 'p', "Publish a port or a range of ports of the pod to the host"),
    str('network', undefined, 'Connect the pod to a network', 'bridge'),
    list('network-alias', undefined, "Add a network-scoped alias for the pod"),
    list('dns', undefined, 'Set custom DNS servers'),
    list('dns-search', undefined, 'Set custom DNS search domains'),
    list('dns-option', undefined, 'Set DNS options'),
    list('add-host', undefined, 'Add a custom host-to-IP mapping (host:ip)'),
    str('share', undefined, 'A comma-separated list of kernel namespaces to share (net, ipc, pid)', 'net,ipc'),
    str('infra-image', undefined, 'The image of the infra container (default busybox:latest)'),
    str('infra-command', undefined, 'The command the infra container runs'),
  ],
  args: { max: 1 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const name = cmd.args[0] ?? (f.name as string | undefined);
    if (cmd.args[0] && f.name && f.name !== cmd.args[0]) throw new Error('cannot specify a pod name both as an argument and with --name');
    const ports: Record<string, PodPortBinding[]> = {};
    for (const p of (f.publish as string[]) ?? []) for (const m of parsePublish(p)) (ports[m.port] ??= []).push(m.binding);
    const network = f.network as string;
    const aliases = (f['network-alias'] as string[]) ?? [];
    const body: PodCreateBody = {
      ...(name ? { Name: name } : {}),
      Labels: keyValueMap((f.label as string[]) ?? []),
      ...(f.hostname ? { Hostname: f.hostname as string } : {}),
      Share: String(f.share).split(','),
      PortBindings: ports,
      NetworkMode: network,
      ...(aliases.length > 0 ? { NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: aliases } } } } : {}),
      ...(cmd.set.has('dns') ? { Dns: f.dns as string[] } : {}),
      ...(cmd.set.has('dns-search') ? { DnsSearch: f['dns-search'] as string[] } : {}),
      ...(cmd.set.has('dns-option') ? { DnsOptions: f['dns-option'] as string[] } : {}),
      ...(cmd.set.has('add-host') ? { ExtraHosts: f['add-host'] as string[] } : {}),
      ...(f['infra-image'] ? { InfraImage: f['infra-image'] as string } : {}),
      ...(f['infra-command'] ? { InfraCommand: String(f['infra-command']).split(/\s+/).filter(Boolean) } : {}),
    };
    const r = await createPod(await ctx.client(), body);
    ctx.stdout.write(`${r.Id}\n`);
  },
};

export const podLsCommand: CommandDefinition = {
  name: 'pod ls',
  usage: '[OPTIONS]',
  description: 'List pods',
  aliases: ['pod ps', 'pod list'],
  flags: [
    list('filter', 'f', 'Filter output based on conditions given', 'filter'),
    str('format', undefined, 'Pretty-print pods using a Go template'),
    bool('quiet', 'q', 'Print the numeric IDs of the pods only'),
    bool('no-trunc', undefined, 'Do not truncate pod and container IDs'),
    bool('ctr-names', undefined, 'Display the container names'),
    bool('ctr-ids', undefined, 'Display the container UUIDs'),
    bool('ctr-status', undefined, 'Display the container status'),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    let table = DEFAULT_POD_TABLE;
    if (f['ctr-names']) table += '\t{{.ContainerNames}}';
    if (f['ctr-ids']) table += '\t{{.ContainerIds}}';
    if (f['ctr-status']) table += '\t{{.ContainerStatuses}}';
    const resolved = resolveFormat(f.quiet ? '{{.ID}}' : (f.format as string | undefined), table);
    compileFormat(resolved.template);
    const pods = await listPods(await ctx.client(), parseFilters((f.filter as string[]) ?? []));
    pods.sort((a, b) => (a.Created < b.Created ? 1 : -1));
    ctx.stdout.write(renderList(resolved, pods.map((p) => new PodRow(p, !f['no-trunc'])), POD_HEADERS));
  },
};

export const podInspectCommand: CommandDefinition = {
  name: 'pod inspect',
  usage: '[OPTIONS] POD [POD...]',
  description: 'Display detailed information on one or more pods',
  flags: [FORMAT_FLAG],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const format = (cmd.flags.format as string | undefined) ?? '';
    const found: unknown[] = [];
    const errors: string[] = [];
    for (const name of cmd.args) {
      try {
        found.push(await inspectPod(client, name));
      } catch (err) {
        errors.push(errorText(err));
      }
    }
    if (format !== '' && format !== 'json') {
      const tmpl = compileFormat(format);
      ctx.stdout.write(found.map((p) => `${tmpl.execute(p)}\n`).join(''));
    } else {
      ctx.stdout.write(found.length === 0 ? '[]\n' : JSON.stringify(found, null, 4) + '\n');
    }
    if (errors.length > 0) {
      ctx.stderr.write(errors.join('\n') + '\n');
      return 1;
    }
    return 0;
  },
};

/** A report's per-container failures fail the pod's line, as podman reports them. */
function checked(name: string, r: PodActionReport): string {
  if (r.Errs.length > 0) throw new Error(`Error response from daemon: pod ${name}: ${r.Errs.join('; ')}`);
  return name;
}

function podAction(
  verb: string,
  description: string,
  call: (client: ApiClient, name: string, flags: Record<string, unknown>) => Promise<PodActionReport>,
  flags: CommandDefinition['flags'] = [],
): CommandDefinition {
  return {
    name: `pod ${verb}`,
    usage: '[OPTIONS] POD [POD...]',
    description,
    flags,
    args: { min: 1 },
    async run(ctx, cmd) {
      const client = await ctx.client();
      return forEachName(ctx, cmd.args, async (n) => checked(n, await call(client, n, cmd.flags)));
    },
  };
}

export const podStartCommand = podAction('start', 'Start one or more pods', (c, n) => startPod(c, n));
export const podStopCommand = podAction('stop', 'Stop one or more pods', (c, n, f) => stopPod(c, n, f.time as number | undefined), [
  int('time', 't', 'Seconds to wait for each container to stop before killing it'),
]);
export const podRestartCommand = podAction('restart', 'Restart one or more pods', (c, n, f) => restartPod(c, n, f.time as number | undefined), [
  int('time', 't', 'Seconds to wait for each container to stop before killing it'),
]);
export const podKillCommand = podAction('kill', 'Send the specified signal or SIGKILL to the containers of one or more pods', (c, n, f) => killPod(c, n, f.signal as string), [
  str('signal', 's', 'Signal to send to the containers', 'KILL'),
]);
export const podPauseCommand = podAction('pause', 'Pause one or more pods', (c, n) => pausePod(c, n));
export const podUnpauseCommand = podAction('unpause', 'Unpause one or more pods', (c, n) => unpausePod(c, n));

export const podRmCommand: CommandDefinition = {
  name: 'pod rm',
  usage: '[OPTIONS] POD [POD...]',
  description: 'Remove one or more stopped pods and their containers',
  aliases: ['pod remove'],
  flags: [
    bool('force', 'f', 'Stop and remove the pod\'s running containers too'),
    int('time', 't', 'Seconds to wait for the pod to stop before killing it'),
  ],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const o = { force: Boolean(cmd.flags.force), ...(cmd.flags.time !== undefined ? { timeout: cmd.flags.time as number } : {}) };
    return forEachName(ctx, cmd.args, async (n) => (await removePod(client, n, o)).Id);
  },
};

export const podPruneCommand: CommandDefinition = {
  name: 'pod prune',
  usage: '[OPTIONS]',
  description: 'Remove all stopped pods and their containers',
  flags: [
    list('filter', undefined, 'Provide filter values (e.g. "label=<label>")', 'filter'),
    bool('force', 'f', 'Do not prompt for confirmation'),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    if (!cmd.flags.force && !(await confirmPrompt(ctx, 'WARNING! This will remove all stopped/exited pods.'))) return 0;
    const r = await prunePods(await ctx.client(), parseFilters((cmd.flags.filter as string[]) ?? []));
    ctx.stdout.write(r.PodsDeleted.map((id) => `${id}\n`).join(''));
  },
};

export const podTopCommand: CommandDefinition = {
  name: 'pod top',
  usage: 'POD [ps OPTIONS]',
  description: 'Display the running processes of the containers in a pod',
  flags: [],
  interspersed: false,
  args: { min: 1 },
  async run(ctx, cmd) {
    const [name, ...psArgs] = cmd.args;
    const top = await topPod(await ctx.client(), name!, psArgs.length ? psArgs.join(' ') : undefined);
    let text = top.Titles.join('\t') + '\n';
    for (const p of top.Processes) text += p.join('\t') + '\n';
    ctx.stdout.write(alignColumns(text, { minWidth: 20, padding: 1 }));
  },
};

export const podLogsCommand: CommandDefinition = {
  name: 'pod logs',
  usage: '[OPTIONS] POD',
  description: "Fetch the logs of a pod's containers",
  flags: [
    list('container', 'c', 'Only the logs of this container of the pod'),
    bool('follow', 'f', 'Follow log output'),
    bool('names', undefined, 'Prefix lines with container names instead of IDs'),
    ...LOG_RANGE_FLAGS,
  ],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const { toApiTimestamp } = await import('../format/timestamps.js');
    const res = await podLogs(await ctx.client(), cmd.args[0]!, {
      follow: Boolean(f.follow),
      timestamps: Boolean(f.timestamps),
      names: Boolean(f.names),
      tail: f.tail as string,
      ...(((f.container as string[]) ?? []).length > 0 ? { container: f.container as string[] } : {}),
      ...(f.since ? { since: toApiTimestamp(f.since as string) } : {}),
      ...(f.until ? { until: toApiTimestamp(f.until as string) } : {}),
    });
    await demuxStream(res, ctx.stdout, ctx.stderr);
  },
};
