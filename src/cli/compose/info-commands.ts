// The smaller compose commands: ls, version, images, top, port, pull, build, push, wait, events, cp.
import { listContainers, topContainer } from '../../client/containers.js';
import { beginWait } from '../../client/containers.js';
import { streamEvents } from '../../client/system.js';
import { readJsonStream } from '../../client/json-stream.js';
import { COMPOSE_VERSION, PROJECT_LABEL, SERVICE_LABEL, CONFIG_FILES_LABEL } from '../../compose/engine/labels.js';
import { projectContainers, serviceOf } from '../../compose/engine/project-containers.js';
import { canonicalContainerName } from '../../compose/engine/resource-names.js';
import { serviceImage } from '../../compose/engine/container-config.js';
import { buildServiceImage, pullServiceImage } from '../../compose/engine/service-images.js';
import { ExitError } from '../command.js';
import { bool, int, str } from '../flags/flag-spec.js';
import type { ComposeSubcommand } from './compose-context.js';

export const lsCommand: ComposeSubcommand = {
  name: 'ls',
  usage: '[OPTIONS]',
  description: 'List running compose projects',
  flags: [bool('all', 'a', 'Show all stopped Compose projects'), str('format', undefined, 'Format the output. Values: [table | json]', 'table'), bool('quiet', 'q', 'Only display project names')],
  async run(ctx, cmd) {
    const all = await listContainers(await ctx.client(), { all: true, filters: { label: [PROJECT_LABEL] } });
    const projects = new Map<string, { states: Map<string, number>; files: Set<string> }>();
    for (const c of all) {
      const p = c.Labels![PROJECT_LABEL]!;
      const e = projects.get(p) ?? { states: new Map(), files: new Set() };
      e.states.set(c.State ?? 'unknown', (e.states.get(c.State ?? 'unknown') ?? 0) + 1);
      if (c.Labels?.[CONFIG_FILES_LABEL]) e.files.add(c.Labels[CONFIG_FILES_LABEL]);
      projects.set(p, e);
    }
    const rows = [...projects].filter(([, e]) => cmd.flags.all || e.states.has('running')).sort(([a], [b]) => a.localeCompare(b))
      .map(([name, e]) => ({ Name: name, Status: [...e.states].map(([s, n]) => `${s}(${n})`).join(', '), ConfigFiles: [...e.files].join(',') }));
    if (cmd.flags.quiet) return void ctx.stdout.write(rows.map((r) => `${r.Name}\n`).join(''));
    if (cmd.flags.format === 'json') return void ctx.stdout.write(`${JSON.stringify(rows)}\n`);
    const w = [Math.max(4, ...rows.map((r) => r.Name.length)) + 3, Math.max(6, ...rows.map((r) => r.Status.length)) + 3];
    ctx.stdout.write(`${'NAME'.padEnd(w[0]!)}${'STATUS'.padEnd(w[1]!)}CONFIG FILES\n`);
    for (const r of rows) ctx.stdout.write(`${r.Name.padEnd(w[0]!)}${r.Status.padEnd(w[1]!)}${r.ConfigFiles}\n`);
  },
};

export const versionCommand: ComposeSubcommand = {
  name: 'version',
  usage: '[OPTIONS]',
  description: 'Show the Docker Compose version information',
  flags: [str('format', 'f', 'Format the output. Values: [pretty | json]'), bool('short', undefined, "Shows only Compose's version number")],
  async run(ctx, cmd) {
    if (cmd.flags.short) ctx.stdout.write(`${COMPOSE_VERSION}\n`);
    else if (cmd.flags.format === 'json') ctx.stdout.write(`${JSON.stringify({ version: `v${COMPOSE_VERSION}` })}\n`);
    else ctx.stdout.write(`Docker Compose version v${COMPOSE_VERSION} (berth)\n`);
  },
};

export const imagesCommand: ComposeSubcommand = {
  name: 'images',
  usage: '[OPTIONS] [SERVICE...]',
  description: 'List images used by the created containers',
  flags: [str('format', undefined, 'Format the output. Values: [table | json]', 'table'), bool('quiet', 'q', 'Only display IDs')],
  async run(ctx, cmd) {
    const containers = await projectContainers(await ctx.client(), await ctx.projectName(), { services: cmd.args });
    const rows = containers.map((c) => {
      const [repo, tag] = splitTag(c.Image ?? '');
      return { ContainerName: canonicalContainerName(c.Names), Repository: repo, Tag: tag, ID: (c.ImageID ?? '').replace(/^sha256:/, '').slice(0, 12) };
    });
    if (cmd.flags.quiet) return void ctx.stdout.write([...new Set(rows.map((r) => r.ID))].map((i) => `${i}\n`).join(''));
    if (cmd.flags.format === 'json') return void ctx.stdout.write(`${JSON.stringify(rows)}\n`);
    const cols = ['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID'];
    const table = [cols, ...rows.map((r) => [r.ContainerName, r.Repository, r.Tag, r.ID])];
    const w = cols.map((_, i) => Math.max(...table.map((row) => row[i]!.length)) + 3);
    ctx.stdout.write(table.map((row) => row.map((v, i) => (i < row.length - 1 ? v.padEnd(w[i]!) : v)).join('')).join('\n') + '\n');
  },
};

function splitTag(image: string): [string, string] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, 'latest'];
}

export const topCommand: ComposeSubcommand = {
  name: 'top',
  usage: '[SERVICES...]',
  description: 'Display the running processes',
  flags: [],
  async run(ctx, cmd) {
    const client = await ctx.client();
    const containers = await projectContainers(client, await ctx.projectName(), { services: cmd.args, all: false });
    for (const c of containers) {
      const t = await topContainer(client, c.Id);
      const table = [t.Titles, ...t.Processes];
      const w = t.Titles.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)) + 3);
      ctx.stdout.write(`${canonicalContainerName(c.Names)}\n${table.map((r) => r.map((v, i) => (i < r.length - 1 ? v.padEnd(w[i]!) : v)).join('')).join('\n')}\n\n`);
    }
  },
};

export const portCommand: ComposeSubcommand = {
  name: 'port',
  usage: '[OPTIONS] SERVICE PRIVATE_PORT',
  description: 'Print the public port for a port binding',
  flags: [int('index', undefined, 'Index of the container if service has multiple replicas', 0), str('protocol', undefined, 'tcp or udp', 'tcp')],
  async run(ctx, cmd) {
    const [service, port] = cmd.args;
    if (!service || !port) throw new ExitError('requires 2 arguments', 1);
    const containers = await projectContainers(await ctx.client(), await ctx.projectName(), { services: [service], all: false });
    const index = (cmd.flags.index as number) || 1;
    const c = containers.find((x) => x.Labels?.['com.docker.compose.container-number'] === String(index));
    if (!c) throw new ExitError(`service "${service}" is not running`, 1);
    const p = (c.Ports ?? []).find((x) => String(x.PrivatePort) === port && x.Type === cmd.flags.protocol && x.PublicPort);
    if (!p) throw new ExitError(`no port ${port}/${cmd.flags.protocol as string} for container ${canonicalContainerName(c.Names)}`, 1);
    ctx.stdout.write(`${p.IP && p.IP !== '' ? p.IP : '0.0.0.0'}:${p.PublicPort}\n`);
  },
};

export const pullCommand: ComposeSubcommand = {
  name: 'pull',
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Pull service images',
  flags: [bool('ignore-buildable', undefined, 'Ignore images that can be built'), bool('ignore-pull-failures', undefined, 'Pull what it can and ignores images with pull failures'), bool('quiet', 'q', 'Pull without printing progress information')],
  async run(ctx, cmd) {
    const project = await ctx.project();
    const s = await ctx.session(project);
    const names = cmd.args.length ? cmd.args : Object.keys(project.services);
    s.progress.start('Pulling');
    try {
      await Promise.all(names.map(async (n) => {
        const svc = project.services[n]!;
        if (!svc.image || (svc.build && cmd.flags['ignore-buildable'])) return;
        await pullServiceImage(s, svc).catch((err: unknown) => { if (!cmd.flags['ignore-pull-failures']) throw err; });
      }));
    } finally {
      s.progress.done();
    }
  },
};

export const buildCommand: ComposeSubcommand = {
  name: 'build',
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Build or rebuild services',
  flags: [bool('no-cache', undefined, 'Do not use cache when building the image'), bool('pull', undefined, 'Always attempt to pull a newer version of the image'), bool('quiet', 'q', "Don't print anything to STDOUT")],
  async run(ctx, cmd) {
    const project = await ctx.project();
    const s = await ctx.session(project);
    const names = (cmd.args.length ? cmd.args : Object.keys(project.services)).filter((n) => project.services[n]?.build);
    s.progress.start('Building');
    try {
      for (const n of names) {
        const svc = project.services[n]!;
        await buildServiceImage(s, { ...svc, build: { ...svc.build!, ...(cmd.flags['no-cache'] ? { no_cache: true } : {}), ...(cmd.flags.pull ? { pull: true } : {}) } });
      }
    } finally {
      s.progress.done();
    }
  },
};

export const pushCommand: ComposeSubcommand = {
  name: 'push',
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Push service images',
  flags: [bool('ignore-push-failures', undefined, 'Push what it can and ignores images with push failures'), bool('quiet', 'q', 'Push without printing progress information')],
  async run(ctx, cmd) {
    const project = await ctx.project();
    const { pushCommand: dockerPush } = await import('../commands/push.js');
    const { parseArgs } = await import('../flags/parse-args.js');
    for (const n of cmd.args.length ? cmd.args : Object.keys(project.services)) {
      const svc = project.services[n]!;
      if (!svc.image) continue;
      const parsed = parseArgs(['-q', serviceImage(project, svc)], dockerPush.flags, { interspersed: true });
      try {
        await dockerPush.run(ctx, { flags: parsed.values, set: parsed.set, args: parsed.args });
      } catch (err) {
        if (!cmd.flags['ignore-push-failures']) throw err;
      }
    }
  },
};

export const waitCommand: ComposeSubcommand = {
  name: 'wait',
  usage: 'SERVICE [SERVICE...] [OPTIONS]',
  description: 'Block until containers of all (or specified) services stop.',
  flags: [bool('down-project', undefined, 'Drops project when the first container stops')],
  async run(ctx, cmd) {
    const client = await ctx.client();
    const containers = await projectContainers(client, await ctx.projectName(), { services: cmd.args });
    const codes = await Promise.all(containers.map(async (c) => (await (await beginWait(client, c.Id, 'not-running')).result).StatusCode));
    for (const code of codes) ctx.stdout.write(`${code}\n`);
    return codes.find((c) => c !== 0) ?? 0;
  },
};

export const eventsCommand: ComposeSubcommand = {
  name: 'events',
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Receive real time events from containers',
  flags: [bool('json', undefined, 'Output events as a stream of json objects'), str('since', undefined, 'Show all events created since timestamp'), str('until', undefined, 'Stream events until this timestamp')],
  async run(ctx, cmd) {
    const project = await ctx.projectName();
    const label = [`${PROJECT_LABEL}=${project}`];
    const res = await streamEvents(await ctx.client(), { filters: { type: ['container'], label }, ...(cmd.flags.since ? { since: cmd.flags.since as string } : {}), ...(cmd.flags.until ? { until: cmd.flags.until as string } : {}) });
    type Ev = { Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; timeNano?: number; time?: number };
    for await (const e of readJsonStream<Ev>(res)) {
      const attrs = e.Actor?.Attributes ?? {};
      const service = attrs[SERVICE_LABEL] ?? '';
      if (cmd.args.length && !cmd.args.includes(service)) continue;
      const time = new Date((e.timeNano ?? (e.time ?? 0) * 1e9) / 1e6).toISOString();
      if (cmd.flags.json) ctx.stdout.write(`${JSON.stringify({ time, type: 'container', action: e.Action, id: e.Actor?.ID, service, attributes: attrs })}\n`);
      else ctx.stdout.write(`${time} container ${e.Action ?? ''} ${e.Actor?.ID ?? ''} (${Object.entries(attrs).map(([k, v]) => `${k}=${v}`).join(', ')})\n`);
    }
  },
};

export const cpCommand: ComposeSubcommand = {
  name: 'cp',
  usage: '[OPTIONS] SERVICE:SRC_PATH DEST_PATH|-\n\tberth compose cp [OPTIONS] SRC_PATH|- SERVICE:DEST_PATH',
  description: 'Copy files/folders between a service container and the local filesystem',
  flags: [bool('archive', 'a', 'Archive mode (copy all uid/gid information)'), bool('follow-link', 'L', 'Always follow symbol link in SRC_PATH'), int('index', undefined, 'Index of the container if service has multiple replicas', 0)],
  async run(ctx, cmd) {
    const client = await ctx.client();
    const project = await ctx.projectName();
    const resolve = async (arg: string): Promise<string> => {
      const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*):(.*)$/.exec(arg);
      if (!m) return arg;
      const cs = await projectContainers(client, project, { services: [m[1]!] });
      const index = (cmd.flags.index as number) || 1;
      const c = cs.find((x) => x.Labels?.['com.docker.compose.container-number'] === String(index)) ?? cs[0];
      if (!c) throw new ExitError(`no container found for service "${m[1]}"`, 1);
      return `${c.Id}:${m[2]}`;
    };
    const args = await Promise.all(cmd.args.map(resolve));
    const { cpCommand: dockerCp } = await import('../commands/cp.js');
    const { parseArgs } = await import('../flags/parse-args.js');
    const parsed = parseArgs([...(cmd.flags.archive ? ['-a'] : []), ...(cmd.flags['follow-link'] ? ['-L'] : []), ...args], dockerCp.flags, { interspersed: true });
    return dockerCp.run(ctx, { flags: parsed.values, set: parsed.set, args: parsed.args });
  },
};

export { serviceOf };
