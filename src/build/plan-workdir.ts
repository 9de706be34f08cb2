// WORKDIR sets the config and, as docker does, makes the directory when the image lacks it.
import { stat } from 'node:fs/promises';
import { applyConfigInstruction } from '../image/config-changes.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import type { ContainerConfig } from '../oci/image-spec.js';
import type { WorkdirInstruction } from './dockerfile/mod.js';
import { mkdirInRoot } from './copy-into-root.js';
import { commitChange } from './layer-change.js';
import { openRootfsView } from './rootfs-view.js';
import type { StageState, StepContext, StepPlan } from './step-context.js';
import { topChain } from './step-result.js';

/** The directory WORKDIR leads to from `cfg` (relative paths go on from the current one). */
export function workdirPath(cfg: ContainerConfig, instr: WorkdirInstruction): string {
  const probe: ContainerConfig = { ...cfg };
  applyConfigInstruction(probe, instr);
  return probe.WorkingDir || '/';
}

export function planWorkdir(ctx: StepContext, state: StageState, instr: WorkdirInstruction): StepPlan {
  const path = workdirPath(state.config.config ?? {}, instr);
  const parent = topChain(state.layers);
  // Whether the directory exists follows from the parent (part of the key): looked at only
  // when the step runs, so a cached WORKDIR mounts nothing.
  return {
    keyParts: ['WORKDIR', path],
    createdBy: `WORKDIR ${instr.path}`,
    applyConfig: (c) => applyConfigInstruction(c.config!, instr),
    execute: async () => {
      const view = await openRootfsView(ctx.snapshots, ctx.workDir, parent);
      let exists: boolean;
      try {
        exists = await stat(await resolveInRoot(view.path, path)).then((st) => st.isDirectory(), () => false);
      } finally {
        await view.release();
      }
      if (exists) return undefined;
      return commitChange(ctx, 'workdir', parent, (root) => mkdirInRoot(root, path, { uid: 0, gid: 0 }, ctx.idMap));
    },
  };
}
