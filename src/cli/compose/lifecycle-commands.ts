// `compose start|stop|restart|kill|pause|unpause|rm`: the same verb on each container of the
// chosen services, in dependency order (reversed for stop), with compose's progress lines.
import type { ApiClient } from '../../client/api-client.js';
import { killContainer, pauseContainer, removeContainer, restartContainer, startContainer, stopContainer, unpauseContainer } from '../../client/containers.js';
import type { ContainerSummary } from '../../client/types.js';
import { projectContainers, serviceOf } from '../../compose/engine/project-containers.js';
import { canonicalContainerName } from '../../compose/engine/resource-names.js';
import { inDependencyOrder } from '../../compose/engine/service-order.js';
import { bool, int, str } from '../flags/flag-spec.js';
import type { ComposeContext, ComposeSubcommand } from './compose-context.js';
import { createProgressWriter } from '../../compose/engine/progress-writer.js';

interface Verb {
  working: string;
  done: string;
  header: string;
  reverse?: boolean;
  /** Which containers the verb applies to. */
  applies(c: ContainerSummary, f: Record<string, unknown>): boolean;
  act(client: ApiClient, c: ContainerSummary, f: Record<string, unknown>): Promise<void>;
}

async function applyVerb(ctx: ComposeContext, services: readonly string[], verb: Verb, f: Record<string, unknown>): Promise<void> {
  const client = await ctx.client();
  const name = await ctx.projectName();
  const project = await ctx.project().catch(() => undefined);
  const containers = (await projectContainers(client, name, { services })).filter((c) => verb.applies(c, f));
  const progress = project ? (await ctx.session(project)).progress : createProgressWriter(ctx.stderr);
  progress.start(verb.header);
  const one = async (c: ContainerSummary): Promise<void> => {
    const id = `Container ${canonicalContainerName(c.Names)}`;
    progress.event({ id, status: 'working', text: verb.working });
    await verb.act(client, c, f);
    progress.event({ id, status: 'done', text: verb.done });
  };
  try {
    if (project) {
      const present = [...new Set(containers.map(serviceOf))].filter((s) => project.services[s]);
      await inDependencyOrder(project.services, present, (svc) => Promise.all(containers.filter((c) => serviceOf(c) === svc.name).map(one)).then(() => undefined), { reverse: verb.reverse ?? false });
      await Promise.all(containers.filter((c) => !project.services[serviceOf(c)]).map(one));
    } else {
      await Promise.all(containers.map(one));
    }
  } finally {
    progress.done();
  }
}

const timeoutOpt = (f: Record<string, unknown>): { timeout?: number } => (f.timeout !== undefined ? { timeout: f.timeout as number } : {});
const running = (c: ContainerSummary): boolean => c.State === 'running' || c.State === 'restarting';

function verbCommand(name: string, description: string, flags: ComposeSubcommand['flags'], verb: Verb): ComposeSubcommand {
  return { name, usage: '[OPTIONS] [SERVICE...]', description, flags, run: (ctx, cmd) => applyVerb(ctx, cmd.args, verb, cmd.flags) };
}

export const startCommand = verbCommand('start', 'Start services', [], {
  working: 'Starting', done: 'Started', header: 'Running', applies: (c) => !running(c) && c.State !== 'paused', act: (cl, c) => startContainer(cl, c.Id),
});
export const stopCommand = verbCommand('stop', 'Stop services', [int('timeout', 't', 'Specify a shutdown timeout in seconds')], {
  working: 'Stopping', done: 'Stopped', header: 'Stopping', reverse: true, applies: (c) => running(c) || c.State === 'paused', act: (cl, c, f) => stopContainer(cl, c.Id, timeoutOpt(f)),
});
export const restartCommand = verbCommand('restart', 'Restart service containers', [bool('no-deps', undefined, "Don't restart dependent services"), int('timeout', 't', 'Specify a shutdown timeout in seconds')], {
  working: 'Restarting', done: 'Started', header: 'Restarting', applies: () => true, act: (cl, c, f) => restartContainer(cl, c.Id, timeoutOpt(f)),
});
export const killCommand = verbCommand('kill', 'Force stop service containers', [bool('remove-orphans', undefined, 'Remove containers for services not defined in the Compose file'), str('signal', 's', 'SIGNAL to send to the container', 'SIGKILL')], {
  working: 'Killing', done: 'Killed', header: 'Killing', reverse: true, applies: running, act: (cl, c, f) => killContainer(cl, c.Id, f.signal as string),
});
export const pauseCommand = verbCommand('pause', 'Pause services', [], {
  working: 'Pausing', done: 'Paused', header: 'Pausing', reverse: true, applies: (c) => c.State === 'running', act: (cl, c) => pauseContainer(cl, c.Id),
});
export const unpauseCommand = verbCommand('unpause', 'Unpause services', [], {
  working: 'Unpausing', done: 'Unpaused', header: 'Unpausing', applies: (c) => c.State === 'paused', act: (cl, c) => unpauseContainer(cl, c.Id),
});
export const rmCommand = verbCommand('rm', 'Removes stopped service containers', [
  bool('force', 'f', "Don't ask to confirm removal"),
  bool('stop', 's', 'Stop the containers, if required, before removing'),
  bool('volumes', 'v', 'Remove any anonymous volumes attached to containers'),
], {
  working: 'Removing', done: 'Removed', header: 'Removing', reverse: true,
  applies: (c, f) => Boolean(f.stop) || (!running(c) && c.State !== 'paused'),
  act: async (cl, c, f) => {
    if (running(c)) await stopContainer(cl, c.Id);
    await removeContainer(cl, c.Id, { volumes: Boolean(f.volumes) });
  },
});
