// RUN: the command (shell form through the stage's SHELL, heredocs appended or run as a program),
// the network it runs on, and the content of what its bind mounts show, all part of the key; on
// a miss, its cache mounts taken, its mounts made and the command run (run-step.ts).
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';
import type { LayerRecord } from '../image/image-store.js';
import type { ContainerConfig } from '../oci/image-spec.js';
import type { SpecMount } from '../runtime/spec/spec-input.js';
import { digestEntries } from './context/mod.js';
import type { RunInstruction } from './dockerfile/mod.js';
import type { RootfsView } from './rootfs-view.js';
import { type RunMount, acquireCacheMounts, stepMounts } from './run-mounts.js';
import type { StepNetwork } from './run-networks.js';
import { runStep } from './run-step.js';
import type { RunContext, StageState, StepPlan } from './step-context.js';
import { topChain } from './step-result.js';

/** Where a step's output goes as it comes. */
export type OutputSink = (stream: 'stdout' | 'stderr', data: Buffer) => void;

/** A heredoc run as a program: its body, mounted executable at `path`. */
export interface RunProgram {
  path: string;
  body: string;
}

/** The argv a RUN runs with `shell`; a heredoc with a #! line that is the whole command runs as a program, as BuildKit does. */
export function runCommand(instr: RunInstruction, shell: readonly string[]): { argv: string[]; program?: RunProgram } {
  if (!instr.prependShell) return { argv: instr.command };
  let script = instr.command.join(' ');
  const docs = instr.heredocs;
  if (docs.length === 1 && /^\s*[0-9]*<<-?\s*["']?[^\s"']+["']?\s*$/.test(script)) {
    script = docs[0]!.content;
    if (script.startsWith('#!')) {
      const program = { path: `/dev/pipes/${docs[0]!.name}`, body: script };
      return { argv: [program.path], program };
    }
  } else for (const h of docs) script += `\n${h.content}${h.name}`;
  return { argv: [...shell, script] };
}

/**
 * The network a RUN step runs on: RUN --network, else the build's network mode (the API's
 * networkmode), else the default bridge — the host's network where the builder has no network
 * service.
 */
export function runNetwork(wanted: string, buildMode: string | undefined, hasNetworkService: boolean): string {
  const w = wanted === 'default' ? (buildMode || 'default') : wanted;
  const network = w === 'none' || w === 'host' ? w : hasNetworkService ? (w === 'bridge' ? 'default' : w) : 'host';
  if (network.startsWith('container:')) throw new InvalidArgumentError(`network mode ${network} is not supported for RUN`);
  return network;
}

export async function planRun(ctx: RunContext, state: StageState, instr: RunInstruction, onOutput: OutputSink): Promise<StepPlan> {
  const cfg: ContainerConfig = state.config.config ?? {};
  const { argv, program } = runCommand(instr, cfg.Shell ?? ['/bin/sh', '-c']);
  const createdBy = `RUN ${state.scope.runCommandString(argv)} # buildkit`;
  const network = runNetwork(instr.network, ctx.options.networkMode, ctx.deps.network !== undefined);
  const env = state.scope.runEnvironment();
  const views: RootfsView[] = [];
  // What a bind mount shows, and the base of a cache mount with from=, is part of the step's
  // input: its content goes into the key.
  const sourceRoots = new Map<RunMount, string>();
  const bindDigests: string[] = [];
  try {
    for (const m of instr.mounts) {
      if (m.type !== 'bind' && !(m.type === 'cache' && m.from)) continue;
      const root = await ctx.sourceRoot(m.from, views);
      sourceRoots.set(m, root);
      bindDigests.push(await digestEntries(ctx.treeFor(root), [m.source ?? '/']));
    }
  } catch (err) {
    for (const v of views.splice(0)) await v.release();
    throw err;
  }
  const mountKey = [...instr.mounts, ...bindDigests, ...(program ? [program.body] : [])];
  const workingDir = cfg.WorkingDir || '/';
  return {
    keyParts: ['RUN', createdBy, env, cfg.User ?? '', cfg.WorkingDir ?? '', network, mountKey],
    createdBy,
    release: async () => {
      for (const v of views.splice(0)) await v.release();
    },
    execute: async () => {
      if (sourceRoots.size > 0) await ctx.contextOnDisk();
      const leases = await acquireCacheMounts(ctx, instr.mounts, workingDir, sourceRoots);
      try {
        const cacheDirs = new Map(leases.map((l) => [l.mount, l.dir]));
        const made = await stepMounts(ctx, instr.mounts, { workingDir, program, sourceRoots, cacheDirs, views });
        const runEnv = [...env, ...made.env];
        const id = `build-${randomBytes(12).toString('hex')}`;
        const run = (net: StepNetwork): Promise<LayerRecord> => runIn(ctx, id, net, state, argv, runEnv, made.mounts, onOutput);
        if (network === 'none' || network === 'host' || !ctx.networks) return await run(network === 'none' ? 'none' : 'host');
        return await ctx.networks.with(network, run);
      } finally {
        for (const l of leases) l.release();
      }
    },
  };
}

function runIn(ctx: RunContext, id: string, network: StepNetwork, state: StageState, argv: string[], env: string[], mounts: SpecMount[], onOutput: OutputSink): Promise<LayerRecord> {
  const cfg: ContainerConfig = state.config.config ?? {};
  return runStep({
    id,
    snapshots: ctx.deps.snapshots,
    images: ctx.deps.images,
    runtime: ctx.deps.runtime,
    cgroupParent: ctx.deps.cgroupParent,
    workDir: ctx.workDir,
    parent: topChain(state.layers),
    argv,
    env,
    user: cfg.User ?? '',
    workingDir: cfg.WorkingDir ?? '/',
    network,
    mounts,
    ...(ctx.idMap ? { userns: ctx.idMap } : {}),
    ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    onOutput,
  });
}
