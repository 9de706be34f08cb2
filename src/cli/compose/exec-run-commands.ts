// `compose exec` (through `berth exec` on the service's container) and `compose run` (a one-off
// container from the service's configuration, started attached through `berth start -a`).
import { removeContainer } from '../../client/containers.js';
import { waitForDependency } from '../../compose/engine/dependency-conditions.js';
import { projectUp } from '../../compose/engine/project-up.js';
import { projectContainers } from '../../compose/engine/project-containers.js';
import { newSlug, oneoffContainerName } from '../../compose/engine/resource-names.js';
import { createServiceContainer, startServiceContainer } from '../../compose/engine/service-containers.js';
import { ensureNetworks, ensureVolumes } from '../../compose/engine/project-resources.js';
import { ensureServiceImage } from '../../compose/engine/service-images.js';
import { withDependencies } from '../../compose/engine/service-order.js';
import { createProgressWriter } from '../../compose/engine/progress-writer.js';
import type { CommandDefinition } from '../command.js';
import { ExitError } from '../command.js';
import { bool, int, list, str } from '../flags/flag-spec.js';
import { parseArgs } from '../flags/parse-args.js';
import type { ComposeContext, ComposeSubcommand } from './compose-context.js';

async function delegate(ctx: ComposeContext, def: CommandDefinition, argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, def.flags, { interspersed: false });
  return (await def.run(ctx, { flags: parsed.values, set: parsed.set, args: parsed.args })) ?? 0;
}

export const execCommand: ComposeSubcommand = {
  name: 'exec',
  usage: '[OPTIONS] SERVICE COMMAND [ARGS...]',
  description: 'Execute a command in a running container',
  interspersed: false,
  flags: [
    bool('detach', 'd', 'Detached mode: Run command in the background'),
    list('env', 'e', 'Set environment variables', 'stringArray'),
    int('index', undefined, 'Index of the container if service has multiple replicas', 0),
    bool('no-TTY', 'T', 'Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.'),
    bool('privileged', undefined, 'Give extended privileges to the process'),
    str('user', 'u', 'Run the command as this user'),
    str('workdir', 'w', 'Path to workdir directory for this command'),
  ],
  async run(ctx, cmd) {
    const [service, ...command] = cmd.args;
    if (!service || command.length === 0) throw new ExitError('requires at least 2 arguments', 1);
    const f = cmd.flags;
    const containers = (await projectContainers(await ctx.client(), await ctx.projectName(), { services: [service], all: false }));
    const index = (f.index as number) || 1;
    const target = containers.find((c) => c.Labels?.['com.docker.compose.container-number'] === String(index)) ?? (f.index ? undefined : containers[0]);
    if (!target) throw new ExitError(`service "${service}" is not running`, 1);
    const tty = !f['no-TTY'] && Boolean(ctx.stdin.isTTY) && Boolean(ctx.stdout.isTTY);
    const argv = [
      ...(f.detach ? ['-d'] : ['-i']), ...(tty ? ['-t'] : []), ...(f.privileged ? ['--privileged'] : []),
      ...(f.user ? ['-u', f.user as string] : []), ...(f.workdir ? ['-w', f.workdir as string] : []),
      ...(f.env as string[]).flatMap((e) => ['-e', e]), target.Id, ...command,
    ];
    const { execCommand: dockerExec } = await import('../commands/exec.js');
    return delegate(ctx, dockerExec, argv);
  },
};

export const runCommand: ComposeSubcommand = {
  name: 'run',
  usage: '[OPTIONS] SERVICE [COMMAND] [ARGS...]',
  description: 'Run a one-off command on a service',
  interspersed: false,
  flags: [
    bool('build', undefined, 'Build image before starting container'),
    bool('detach', 'd', 'Run container in background and print container ID'),
    str('entrypoint', undefined, 'Override the entrypoint of the image'),
    list('env', 'e', 'Set environment variables', 'stringArray'),
    bool('interactive', 'i', 'Keep STDIN open even if not attached', true),
    list('label', 'l', 'Add or override a label', 'stringArray'),
    str('name', undefined, 'Assign a name to the container'),
    bool('no-TTY', 'T', 'Disable pseudo-TTY allocation (default: auto-detected)'),
    bool('no-deps', undefined, "Don't start linked services"),
    bool('rm', undefined, 'Automatically remove the container when it exits'),
    bool('service-ports', 'P', "Run command with all service's ports enabled and mapped to the host"),
    str('user', 'u', 'Run as specified username or uid'),
    str('workdir', 'w', 'Working directory inside the container'),
  ],
  async run(ctx, cmd) {
    const [serviceName, ...command] = cmd.args;
    const f = cmd.flags;
    const project = await ctx.project();
    const service = serviceName ? project.services[serviceName] : undefined;
    if (!service) throw new ExitError(`no such service: ${serviceName ?? ''}`, 1);
    const s = await ctx.session(project);
    const deps = f['no-deps'] ? [] : withDependencies(project.services, Object.keys(service.depends_on));
    s.progress.start('Running');
    try {
      if (deps.length) await projectUp(s, { services: deps, recreate: 'diverged', start: true });
      await Promise.all(Object.entries(service.depends_on).filter(([d]) => deps.includes(d)).map(([d, dep]) => waitForDependency(s.client, project.name, d, dep, s.progress)));
      await ensureNetworks(s.client, project, Object.keys(service.networks), s.progress);
      await ensureVolumes(s.client, project, service.volumes.filter((v) => v.type === 'volume' && v.source && project.volumes[v.source]).map((v) => v.source!), s.progress);
      await ensureServiceImage(s, service, f.build ? { build: true } : {});
    } finally {
      s.progress.done();
    }
    const env: Record<string, string> = {};
    for (const e of f.env as string[]) {
      const eq = e.indexOf('=');
      if (eq < 0) { if (process.env[e] !== undefined) env[e] = process.env[e]!; } else env[e.slice(0, eq)] = e.slice(eq + 1);
    }
    const labels = Object.fromEntries((f.label as string[]).map((l) => [l.split('=')[0]!, l.split('=').slice(1).join('=')]));
    const tty = !f['no-TTY'] && Boolean(ctx.stdin.isTTY) && Boolean(ctx.stdout.isTTY);
    const slug = newSlug();
    const name = (f.name as string | undefined) ?? oneoffContainerName(project.name, service.name, slug);
    const quiet = { ...s, progress: createProgressWriter(ctx.stderr, 'quiet') };
    const id = await createServiceContainer(quiet, service, name, {
      number: 1, oneoffSlug: slug,
      overrides: {
        ...(command.length ? { command } : {}), ...(f.entrypoint !== undefined ? { entrypoint: f.entrypoint === '' ? [] : [f.entrypoint as string] } : {}),
        environment: env, tty, stdinOpen: Boolean(f.interactive) && !f.detach, noPorts: !f['service-ports'], labels,
        ...(f.user ? { user: f.user as string } : {}), ...(f.workdir ? { workingDir: f.workdir as string } : {}),
      },
    }, null);
    if (f.detach) {
      await startServiceContainer(quiet, id, name);
      ctx.stdout.write(`${name}\n`);
      return 0;
    }
    const { startCommand } = await import('../commands/start.js');
    let code: number;
    try {
      code = await delegate(ctx, startCommand, ['-a', ...(f.interactive ? ['-i'] : []), id]);
    } finally {
      if (f.rm) await removeContainer(s.client, id, { force: true, volumes: true }).catch(() => undefined);
    }
    return code;
  },
};
