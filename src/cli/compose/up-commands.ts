// `compose up`, `create` and `down`: flags → engine calls (compose/engine/project-up.ts, project-down.ts).
import { projectDown } from '../../compose/engine/project-down.js';
import { projectUp, waitForServices, type UpOptions } from '../../compose/engine/project-up.js';
import { withDependencies } from '../../compose/engine/service-order.js';
import { UsageError } from '../command.js';
import { bool, int, list, str } from '../flags/flag-spec.js';
import type { ComposeContext, ComposeSubcommand } from './compose-context.js';
import { followProjectLogs } from './logs-command.js';

function parseScale(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const [svc, n] = item.split('=');
    if (!svc || n === undefined || !/^\d+$/.test(n)) throw new UsageError(`invalid --scale value ${JSON.stringify(item)}: want SERVICE=NUM`);
    out[svc] = Number(n);
  }
  return out;
}

/** The services a command names (all when none), with their dependencies unless --no-deps. */
export function selectServices(services: Record<string, unknown>, all: Record<string, import('../../compose/model/project.js').ServiceConfig>, names: readonly string[], noDeps: boolean): string[] {
  for (const n of names) if (!services[n]) throw new Error(`no such service: ${n}`);
  if (names.length === 0) return Object.keys(services);
  return noDeps ? [...names] : withDependencies(all, names);
}

function upOptions(ctx: ComposeContext, f: Record<string, unknown>, names: string[], start: boolean): UpOptions {
  if (f['force-recreate'] && f['no-recreate']) throw new UsageError('--force-recreate and --no-recreate are incompatible');
  const pull = f.pull as string | undefined;
  return {
    services: names,
    recreate: f['force-recreate'] ? 'force' : f['no-recreate'] ? 'never' : 'diverged',
    scale: parseScale((f.scale as string[] | undefined) ?? []),
    ...(f.build && !f['no-build'] ? { build: true } : {}),
    ...(pull && pull !== 'policy' ? { pull: pull === 'if_not_present' ? 'missing' : (pull as UpOptions['pull']) } : {}),
    ...(f['renew-anon-volumes'] ? { renewAnonVolumes: true } : {}),
    ...(f.rolling ? { rolling: true } : {}),
    ...(f.timeout !== undefined ? { timeout: f.timeout as number } : {}),
    ...(f['remove-orphans'] ? { removeOrphans: true } : {}),
    start,
  };
  void ctx;
}

export const upCommand: ComposeSubcommand = {
  name: 'up',
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Create and start containers',
  flags: [
    bool('abort-on-container-exit', undefined, 'Stops all containers if any container was stopped. Incompatible with -d'),
    bool('build', undefined, 'Build images before starting containers'),
    bool('detach', 'd', 'Detached mode: Run containers in the background'),
    str('exit-code-from', undefined, 'Return the exit code of the selected service container. Implies --abort-on-container-exit'),
    bool('force-recreate', undefined, "Recreate containers even if their configuration and image haven't changed"),
    bool('no-build', undefined, "Don't build an image, even if it's policy"),
    bool('no-deps', undefined, "Don't start linked services"),
    bool('no-recreate', undefined, "If containers already exist, don't recreate them. Incompatible with --force-recreate."),
    bool('no-start', undefined, "Don't start the services after creating them"),
    str('pull', undefined, 'Pull image before running ("always"|"missing"|"never")', 'policy'),
    bool('remove-orphans', undefined, 'Remove containers for services not defined in the Compose file'),
    bool('renew-anon-volumes', 'V', 'Recreate anonymous volumes instead of retrieving data from the previous containers'),
    bool('rolling', undefined, 'Replace changed containers without a gap: start the new one, wait until healthy, then stop the old one (berth)'),
    list('scale', undefined, 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.', 'scale'),
    int('timeout', 't', 'Use this timeout in seconds for container shutdown when attached or when containers are already running'),
    bool('wait', undefined, 'Wait for services to be running|healthy. Implies detached mode.'),
    int('wait-timeout', undefined, 'Maximum duration in seconds to wait for the project to be running|healthy'),
  ],
  async run(ctx, cmd) {
    const f = cmd.flags;
    const project = await ctx.project();
    const names = selectServices(project.services, project.services, cmd.args, Boolean(f['no-deps']));
    const s = await ctx.session(project);
    const detach = Boolean(f.detach) || Boolean(f.wait);
    s.progress.start('Running');
    try {
      await projectUp(s, upOptions(ctx, f, names, !f['no-start']));
      if (f.wait) await waitForServices(s, names, f['wait-timeout'] as number | undefined);
    } finally {
      s.progress.done();
    }
    if (detach || f['no-start']) return 0;
    const exitFrom = f['exit-code-from'] as string | undefined;
    const abort = Boolean(f['abort-on-container-exit']) || exitFrom !== undefined;
    return followProjectLogs(ctx, s, names, { abortOnExit: abort, ...(exitFrom ? { exitCodeFrom: exitFrom } : {}) });
  },
};

export const createCommand: ComposeSubcommand = {
  name: 'create',
  usage: '[OPTIONS] [SERVICE...]',
  description: 'Creates containers for a service',
  flags: [
    bool('build', undefined, 'Build images before starting containers'),
    bool('force-recreate', undefined, "Recreate containers even if their configuration and image haven't changed"),
    bool('no-build', undefined, "Don't build an image, even if it's policy"),
    bool('no-recreate', undefined, "If containers already exist, don't recreate them. Incompatible with --force-recreate."),
    str('pull', undefined, 'Pull image before running ("always"|"missing"|"never"|"build")', 'policy'),
    bool('remove-orphans', undefined, 'Remove containers for services not defined in the Compose file'),
    list('scale', undefined, 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.', 'scale'),
  ],
  async run(ctx, cmd) {
    const project = await ctx.project();
    const names = selectServices(project.services, project.services, cmd.args, false);
    const s = await ctx.session(project);
    s.progress.start('Creating');
    try {
      await projectUp(s, upOptions(ctx, cmd.flags, names, false));
    } finally {
      s.progress.done();
    }
  },
};

export const downCommand: ComposeSubcommand = {
  name: 'down',
  usage: '[OPTIONS] [SERVICES]',
  description: 'Stop and remove containers, networks',
  flags: [
    bool('remove-orphans', undefined, 'Remove containers for services not defined in the Compose file'),
    str('rmi', undefined, 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")'),
    int('timeout', 't', 'Specify a shutdown timeout in seconds'),
    bool('volumes', 'v', 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers'),
  ],
  async run(ctx, cmd) {
    const f = cmd.flags;
    const rmi = f.rmi as string | undefined;
    if (rmi !== undefined && rmi !== 'local' && rmi !== 'all') throw new UsageError(`invalid value for --rmi: ${rmi}`);
    const project = await ctx.project().catch((err: unknown) => {
      // Without a file, `-p NAME` alone still finds what the project left.
      if (ctx.global['project-name'] || process.env.COMPOSE_PROJECT_NAME) return undefined;
      throw err;
    });
    const name = project?.name ?? (await ctx.projectName());
    const client = await ctx.client();
    const { createProgressWriter } = await import('../../compose/engine/progress-writer.js');
    const progress = project ? (await ctx.session(project)).progress : createProgressWriter(ctx.stderr);
    progress.start('Running');
    try {
      await projectDown(client, name, project, progress, {
        ...(f.volumes ? { volumes: true } : {}),
        ...(f['remove-orphans'] ? { removeOrphans: true } : {}),
        ...(f.timeout !== undefined ? { timeout: f.timeout as number } : {}),
        ...(rmi ? { rmi } : {}),
      });
    } finally {
      progress.done();
    }
  },
};
