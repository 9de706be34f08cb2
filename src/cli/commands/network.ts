// `network create|connect|disconnect|inspect|ls|prune|rm`: flags → /networks calls → docker's output.
import { parseFilters } from '../../client/filters.js';
import { connectNetwork, createNetwork, disconnectNetwork, listNetworks, removeNetwork } from '../../client/networks.js';
import { ApiError } from '../../client/api-error.js';
import { confirmPrompt } from '../actions/confirm-prompt.js';
import { errorText } from '../actions/each-name.js';
import { FORMAT_FLAG, inspectObjects } from '../actions/inspect-objects.js';
import { consolidateIpam } from '../actions/ipam-config.js';
import { pruneNetworksReport } from '../actions/prune-reports.js';
import type { CommandDefinition } from '../command.js';
import { bool, int, keyValueMap, list, str } from '../flags/flag-spec.js';
import { compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import { DEFAULT_NETWORK_TABLE, NETWORK_HEADERS, NetworkContext, naturalCompare } from '../format/network-context.js';
import { FORMAT_HELP } from './ps.js';

const strings = (v: unknown): string[] => ((v as string[] | undefined) ?? []).flatMap((s) => s.split(',')).filter((s) => s !== '');

export const networkCreateCommand: CommandDefinition = {
  name: 'network create',
  usage: '[OPTIONS] NETWORK',
  description: 'Create a network',
  flags: [
    bool('attachable', undefined, 'Enable manual container attachment'),
    list('aux-address', undefined, 'Auxiliary IPv4 or IPv6 addresses used by Network driver', 'map'),
    str('config-from', undefined, 'The network from which to copy the configuration'),
    bool('config-only', undefined, 'Create a configuration only network'),
    str('driver', 'd', 'Driver to manage the Network', 'bridge'),
    list('gateway', undefined, 'IPv4 or IPv6 Gateway for the master subnet', 'strings'),
    bool('ingress', undefined, 'Create swarm routing-mesh network'),
    bool('internal', undefined, 'Restrict external access to the network'),
    list('ip-range', undefined, 'Allocate container ip from a sub-range', 'strings'),
    str('ipam-driver', undefined, 'IP Address Management Driver', 'default'),
    list('ipam-opt', undefined, 'Set IPAM driver specific options', 'map'),
    bool('ipv4', undefined, 'Enable or disable IPv4 address assignment', true),
    bool('ipv6', undefined, 'Enable or disable IPv6 address assignment'),
    list('label', undefined, 'Set metadata on a network'),
    list('opt', 'o', 'Set driver specific options', 'map'),
    str('scope', undefined, "Control the network's scope"),
    list('subnet', undefined, 'Subnet in CIDR format that represents a network segment', 'strings'),
  ],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const config = consolidateIpam(strings(f.subnet), strings(f['ip-range']), strings(f.gateway), keyValueMap(f['aux-address'] as string[]));
    const client = await ctx.client();
    const r = await createNetwork(client, {
      Name: cmd.args[0]!,
      Driver: f.driver as string,
      ...(f.scope ? { Scope: f.scope as string } : {}),
      ...(cmd.set.has('ipv4') ? { EnableIPv4: Boolean(f.ipv4) } : {}),
      ...(cmd.set.has('ipv6') ? { EnableIPv6: Boolean(f.ipv6) } : {}),
      IPAM: { Driver: f['ipam-driver'] as string, Config: config, Options: keyValueMap(f['ipam-opt'] as string[]) },
      Internal: Boolean(f.internal),
      Attachable: Boolean(f.attachable),
      Ingress: Boolean(f.ingress),
      ConfigOnly: Boolean(f['config-only']),
      ...(f['config-from'] ? { ConfigFrom: { Network: f['config-from'] as string } } : {}),
      Options: keyValueMap(f.opt as string[]),
      Labels: keyValueMap(f.label as string[]),
    });
    ctx.stdout.write(`${r.Id}\n`);
  },
};

export const networkConnectCommand: CommandDefinition = {
  name: 'network connect',
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Connect a container to a network',
  flags: [
    list('alias', undefined, 'Add network-scoped alias for the container', 'strings'),
    list('driver-opt', undefined, 'driver options for the network', 'strings'),
    int('gw-priority', undefined, 'Highest gw-priority provides the default gateway. Accepts positive and negative values.'),
    str('ip', undefined, 'IPv4 address (e.g., "172.30.100.104")'),
    str('ip6', undefined, 'IPv6 address (e.g., "2001:db8::33")'),
    list('link', undefined, 'Add link to another container'),
    list('link-local-ip', undefined, 'Add a link-local address for the container', 'strings'),
  ],
  args: { min: 2, max: 2 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const driverOpts: Record<string, string> = {};
    for (const o of strings(f['driver-opt'])) {
      const eq = o.indexOf('=');
      if (eq <= 0) throw new Error('invalid key value pair format in driver options');
      driverOpts[o.slice(0, eq).trim().toLowerCase()] = o.slice(eq + 1).trim();
    }
    const client = await ctx.client();
    await connectNetwork(client, cmd.args[0]!, cmd.args[1]!, {
      IPAMConfig: {
        ...(f.ip ? { IPv4Address: f.ip as string } : {}),
        ...(f.ip6 ? { IPv6Address: f.ip6 as string } : {}),
        ...(strings(f['link-local-ip']).length ? { LinkLocalIPs: strings(f['link-local-ip']) } : {}),
      },
      Links: f.link as string[],
      Aliases: strings(f.alias),
      DriverOpts: driverOpts,
      ...(cmd.set.has('gw-priority') ? { GwPriority: f['gw-priority'] as number } : {}),
    });
  },
};

export const networkDisconnectCommand: CommandDefinition = {
  name: 'network disconnect',
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Disconnect a container from a network',
  flags: [bool('force', 'f', 'Force the container to disconnect from a network')],
  args: { min: 2, max: 2 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    await disconnectNetwork(client, cmd.args[0]!, cmd.args[1]!, Boolean(cmd.flags.force));
  },
};

export const networkInspectCommand: CommandDefinition = {
  name: 'network inspect',
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  description: 'Display detailed information on one or more networks',
  flags: [FORMAT_FLAG, bool('verbose', 'v', 'Verbose output for diagnostics')],
  args: { min: 1 },
  run: (ctx, cmd) => inspectObjects(ctx, cmd, ['network']),
};

export const networkLsCommand: CommandDefinition = {
  name: 'network ls',
  usage: '[OPTIONS]',
  description: 'List networks',
  aliases: ['network list'],
  flags: [
    list('filter', 'f', 'Provide filter values (e.g. "driver=bridge")', 'filter'),
    str('format', undefined, FORMAT_HELP),
    bool('no-trunc', undefined, 'Do not truncate the output'),
    bool('quiet', 'q', 'Only display network IDs'),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const resolved = resolveFormat(f.quiet ? '{{.ID}}' : (f.format as string | undefined), DEFAULT_NETWORK_TABLE);
    compileFormat(resolved.template);
    const client = await ctx.client();
    const networks = await listNetworks(client, parseFilters(f.filter as string[]));
    const rows = networks.sort((a, b) => naturalCompare(a.Name, b.Name)).map((n) => new NetworkContext(n, !f['no-trunc']));
    ctx.stdout.write(renderList(resolved, rows, NETWORK_HEADERS));
  },
};

export const networkPruneCommand: CommandDefinition = {
  name: 'network prune',
  usage: '[OPTIONS]',
  description: 'Remove all unused networks',
  flags: [list('filter', undefined, 'Provide filter values (e.g. "until=<timestamp>")', 'filter'), bool('force', 'f', 'Do not prompt for confirmation')],
  args: { max: 0 },
  async run(ctx, cmd) {
    if (!cmd.flags.force && !(await confirmPrompt(ctx, 'WARNING! This will remove all custom networks not used by at least one container.'))) return 0;
    const client = await ctx.client();
    ctx.stdout.write((await pruneNetworksReport(client, parseFilters(cmd.flags.filter as string[]))).output);
  },
};

export const networkRmCommand: CommandDefinition = {
  name: 'network rm',
  usage: 'NETWORK [NETWORK...]',
  description: 'Remove one or more networks',
  aliases: ['network remove'],
  flags: [bool('force', 'f', 'Do not error if the network does not exist')],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    let failed = false;
    // One at a time, each result printed as it comes, like docker.
    for (const name of cmd.args) {
      try {
        await removeNetwork(client, name);
        ctx.stdout.write(`${name}\n`);
      } catch (err) {
        if (cmd.flags.force && err instanceof ApiError && err.statusCode === 404) continue;
        ctx.stderr.write(`${errorText(err)}\n`);
        failed = true;
      }
    }
    if (!failed) return 0;
    ctx.stderr.write('exit status 1\n');
    return 1;
  },
};
