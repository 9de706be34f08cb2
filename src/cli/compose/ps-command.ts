// `compose ps`: the project's containers in compose v2's table (NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS).
import type { ContainerSummary } from '../../client/types.js';
import { projectContainers, serviceOf } from '../../compose/engine/project-containers.js';
import { canonicalContainerName } from '../../compose/engine/resource-names.js';
import { bool, list, str } from '../flags/flag-spec.js';
import { ContainerContext } from '../format/container-context.js';
import { HeaderContext, compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import { UsageError } from '../command.js';
import type { ComposeSubcommand } from './compose-context.js';

const HEADERS = new HeaderContext({
  ID: 'CONTAINER ID', Name: 'NAME', Names: 'NAMES', Image: 'IMAGE', Command: 'COMMAND', Service: 'SERVICE', Project: 'PROJECT',
  RunningFor: 'CREATED', CreatedAt: 'CREATED AT', Status: 'STATUS', State: 'STATE', Ports: 'PORTS', Health: 'HEALTH', ExitCode: 'EXIT CODE',
});
const DEFAULT_TABLE = 'table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}';

class ComposeContainerContext extends ContainerContext {
  constructor(private readonly summary: ContainerSummary, trunc: boolean, now: number) {
    super(summary, trunc, now);
  }
  Name(): string {
    return canonicalContainerName(this.summary.Names);
  }
  Service(): string {
    return serviceOf(this.summary);
  }
  Project(): string {
    return this.summary.Labels?.['com.docker.compose.project'] ?? '';
  }
  Health(): string {
    return /\((healthy|unhealthy|health: starting)\)/.exec(this.summary.Status ?? '')?.[1]?.replace('health: ', '') ?? '';
  }
  ExitCode(): number {
    return Number(/^Exited \((\d+)\)/.exec(this.summary.Status ?? '')?.[1] ?? 0);
  }
}

/** `--filter KEY=VALUE`: `status` (docker's states, and compose 1.x's `stopped`) and 1.x's `source=image|build`. */
export function parsePsFilters(items: readonly string[]): { status: string[]; source: string[] } {
  const out = { status: [] as string[], source: [] as string[] };
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? '' : item.slice(eq + 1);
    if (key === 'status') {
      if (!STATUSES.includes(value)) throw new UsageError(`invalid filter 'status=${value}': want one of ${STATUSES.join(', ')}`);
      out.status.push(value);
    } else if (key === 'source') {
      if (value !== 'image' && value !== 'build') throw new UsageError(`invalid filter 'source=${value}': want image or build`);
      out.source.push(value);
    } else {
      throw new UsageError(`invalid filter '${key}'`);
    }
  }
  return out;
}

const STATUSES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited', 'stopped'];

function stateMatches(state: string, wanted: string): boolean {
  return wanted === 'stopped' ? state === 'exited' || state === 'dead' || state === 'created' : state === wanted;
}

export const psCommand: ComposeSubcommand = {
  name: 'ps',
  usage: '[OPTIONS] [SERVICE...]',
  description: 'List containers',
  flags: [
    bool('all', 'a', 'Show all stopped containers (including those created by the run command)'),
    list('filter', undefined, 'Filter services by a property (supported filters: status, source)', 'string'),
    str('format', undefined, "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template", 'table'),
    bool('no-trunc', undefined, "Don't truncate output"),
    bool('orphans', undefined, 'Include orphaned services (not declared by project)', true),
    bool('quiet', 'q', 'Only display IDs'),
    bool('services', undefined, 'Display services'),
    list('status', undefined, 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]', 'stringArray'),
  ],
  async run(ctx, cmd) {
    const f = cmd.flags;
    const project = await ctx.projectName();
    const filters = parsePsFilters(f.filter as string[]);
    const statuses = [...(f.status as string[]), ...filters.status];
    let containers = await projectContainers(await ctx.client(), project, { services: cmd.args, all: Boolean(f.all) || statuses.length > 0, oneoff: f.all ? 'include' : 'exclude' });
    if (statuses.length) containers = containers.filter((c) => statuses.some((st) => stateMatches(c.State ?? '', st)));
    if (filters.source.length) {
      const built = new Set(Object.values((await ctx.project()).services).filter((svc) => svc.build).map((svc) => svc.name));
      containers = containers.filter((c) => filters.source.includes(built.has(serviceOf(c)) ? 'build' : 'image'));
    }
    if (f.services) {
      ctx.stdout.write([...new Set(containers.map(serviceOf))].map((s) => `${s}\n`).join(''));
      return;
    }
    if (f.quiet) {
      ctx.stdout.write(containers.map((c) => `${c.Id}\n`).join(''));
      return;
    }
    const format = resolveFormat(f.format as string, DEFAULT_TABLE);
    compileFormat(format.template);
    const now = Date.now();
    ctx.stdout.write(renderList(format, containers.map((c) => new ComposeContainerContext(c, !f['no-trunc'], now)), HEADERS));
  },
};
