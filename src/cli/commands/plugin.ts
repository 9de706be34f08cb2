// `plugin ls|inspect|install|rm|enable|disable|create|push|set|upgrade`: docker's managed plugins.
// berthd loads no plugins, so `ls` prints docker's empty table and the rest carry the daemon's
// answer back, as the docker CLI does against a dockerd that has none.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseFilters } from '../../client/filters.js';
import { createPlugin, disablePlugin, enablePlugin, listPlugins, pluginPrivileges, pullPlugin, pushPlugin, removePlugin, setPlugin } from '../../client/plugins.js';
import { encodeRegistryAuth } from '../../client/system.js';
import type { CommandDefinition } from '../command.js';
import { bool, int, list, str } from '../flags/flag-spec.js';
import { forEachName } from '../actions/each-name.js';
import { FORMAT_FLAG, inspectObjects } from '../actions/inspect-objects.js';
import { registryAuthFor } from '../actions/registry-auth.js';
import { renderList, resolveFormat } from '../format/list-format.js';
import { PLUGIN_HEADERS, PluginRow } from '../format/plugin-context.js';

/** docker's content-trust switch: berth verifies no signatures, so only its default makes sense. */
const contentTrustFlag = (what: string) => bool('disable-content-trust', undefined, what, true);

async function authFor(ref: string, configDir: string | undefined): Promise<string> {
  return (await registryAuthFor(ref, configDir)) ?? encodeRegistryAuth({});
}

export const pluginLsCommand: CommandDefinition = {
  name: 'plugin ls',
  usage: '[OPTIONS]',
  description: 'List plugins',
  aliases: ['plugin list'],
  flags: [
    list('filter', 'f', 'Provide filter values (e.g. "enabled=true")', 'filter'),
    str('format', undefined, 'Format output using a custom template'),
    bool('no-trunc', undefined, "Don't truncate output"),
    bool('quiet', 'q', 'Only display plugin IDs'),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const resolved = resolveFormat(f.quiet ? '{{.ID}}' : (f.format as string | undefined), 'table {{.ID}}\t{{.Name}}\t{{.Description}}\t{{.Enabled}}');
    const client = await ctx.client();
    const plugins = await listPlugins(client, parseFilters((f.filter as string[]) ?? []));
    ctx.stdout.write(renderList(resolved, plugins.map((p) => new PluginRow(p, Boolean(f['no-trunc']))), PLUGIN_HEADERS));
  },
};

export const pluginInspectCommand: CommandDefinition = {
  name: 'plugin inspect',
  usage: '[OPTIONS] PLUGIN [PLUGIN...]',
  description: 'Display detailed information on one or more plugins',
  flags: [FORMAT_FLAG],
  args: { min: 1 },
  run: (ctx, cmd) => inspectObjects(ctx, cmd, ['plugin']),
};

export const pluginInstallCommand: CommandDefinition = {
  name: 'plugin install',
  usage: '[OPTIONS] PLUGIN [KEY=VALUE...]',
  description: 'Install a plugin',
  flags: [
    str('alias', undefined, 'Local name for plugin'),
    bool('disable', undefined, 'Do not enable the plugin on install'),
    contentTrustFlag('Skip image verification'),
    bool('grant-all-permissions', undefined, 'Grant all permissions necessary to run the plugin'),
  ],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const remote = cmd.args[0]!;
    const auth = await authFor(remote, ctx.configDir);
    // docker asks for the plugin's privileges before pulling it; berthd refuses there already.
    const privileges = await pluginPrivileges(client, remote, auth);
    const name = (cmd.flags.alias as string | undefined) ?? remote;
    await pullPlugin(client, { remote, name, auth, privileges, settings: cmd.args.slice(1) });
    ctx.stdout.write(`Installed plugin ${name}\n`);
  },
};

export const pluginUpgradeCommand: CommandDefinition = {
  name: 'plugin upgrade',
  usage: '[OPTIONS] PLUGIN [REMOTE]',
  description: 'Upgrade an existing plugin',
  flags: [
    contentTrustFlag('Skip image verification'),
    bool('grant-all-permissions', undefined, 'Grant all permissions necessary to run the plugin'),
    bool('skip-remote-check', undefined, 'Do not check if specified remote plugin matches existing plugin image'),
  ],
  args: { min: 1, max: 2 },
  async run(ctx, cmd) {
    // docker reads the installed plugin first; with no plugins that is where it stops.
    const client = await ctx.client();
    await client.json('GET', `/plugins/${encodeURIComponent(cmd.args[0]!)}/json`);
  },
};

export const pluginRmCommand: CommandDefinition = {
  name: 'plugin rm',
  usage: '[OPTIONS] PLUGIN [PLUGIN...]',
  description: 'Remove one or more plugins',
  aliases: ['plugin remove'],
  flags: [bool('force', 'f', 'Force the removal of an active plugin')],
  args: { min: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    return forEachName(ctx, cmd.args, (n) => removePlugin(client, n, Boolean(cmd.flags.force)));
  },
};

export const pluginEnableCommand: CommandDefinition = {
  name: 'plugin enable',
  usage: '[OPTIONS] PLUGIN',
  description: 'Enable a plugin',
  flags: [int('timeout', undefined, 'HTTP client timeout (in seconds)', 30)],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const timeout = cmd.flags.timeout as number;
    if (timeout < 0) throw new Error(`negative timeout ${timeout} is invalid`);
    const client = await ctx.client();
    await enablePlugin(client, cmd.args[0]!, timeout);
    ctx.stdout.write(`${cmd.args[0]}\n`);
  },
};

export const pluginDisableCommand: CommandDefinition = {
  name: 'plugin disable',
  usage: '[OPTIONS] PLUGIN',
  description: 'Disable a plugin',
  flags: [bool('force', 'f', 'Force the disable of an active plugin')],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    await disablePlugin(client, cmd.args[0]!, Boolean(cmd.flags.force));
    ctx.stdout.write(`${cmd.args[0]}\n`);
  },
};

export const pluginCreateCommand: CommandDefinition = {
  name: 'plugin create',
  usage: '[OPTIONS] PLUGIN PLUGIN-DATA-DIR',
  description: 'Create a plugin from a rootfs and configuration. Plugin data directory must contain config.json and rootfs directory.',
  flags: [bool('compress', undefined, 'Compress the context using gzip')],
  args: { min: 2, max: 2 },
  async run(ctx, cmd) {
    // The checks docker makes on the data directory before it sends anything.
    const dir = resolve(cmd.args[1]!);
    const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw new Error(`context must be a directory`);
    for (const part of ['config.json', 'rootfs']) {
      if (!(await stat(join(dir, part)).then(() => true, () => false))) throw new Error(`${part} is missing from ${dir}`);
    }
    const client = await ctx.client();
    await createPlugin(client, cmd.args[0]!);
    ctx.stdout.write(`${cmd.args[0]}\n`);
  },
};

export const pluginPushCommand: CommandDefinition = {
  name: 'plugin push',
  usage: '[OPTIONS] PLUGIN[:TAG]',
  description: 'Push a plugin to a registry',
  flags: [contentTrustFlag('Skip image signing')],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    await pushPlugin(client, cmd.args[0]!, await authFor(cmd.args[0]!, ctx.configDir));
  },
};

export const pluginSetCommand: CommandDefinition = {
  name: 'plugin set',
  usage: 'PLUGIN KEY=VALUE [KEY=VALUE...]',
  description: 'Change settings for a plugin',
  flags: [],
  args: { min: 2 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    await setPlugin(client, cmd.args[0]!, cmd.args.slice(1));
  },
};
