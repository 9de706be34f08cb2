// Instructions that only change the image config (ENV, LABEL, USER, CMD, ENTRYPOINT, EXPOSE,
// VOLUME, STOPSIGNAL, SHELL, ONBUILD, HEALTHCHECK, MAINTAINER…): keyed by what they say, a
// history entry with `empty_layer`, no layer.
import { applyConfigInstruction } from '../image/config-changes.js';
import type { Instruction } from './dockerfile/mod.js';
import type { StepPlan } from './step-context.js';

export function planConfigStep(instr: Instruction): StepPlan {
  if (instr.kind === 'MAINTAINER') {
    return {
      keyParts: ['MAINTAINER', instr.maintainer],
      createdBy: `MAINTAINER ${instr.maintainer}`,
      execute: async () => undefined,
      applyConfig: (c) => {
        c.author = instr.maintainer;
      },
    };
  }
  return {
    keyParts: ['CONFIG', instructionEssence(instr)],
    createdBy: configCreatedBy(instr),
    execute: async () => undefined,
    applyConfig: (c) => applyConfigInstruction(c.config!, instr),
  };
}

/** What an instruction says, without where and how it was written (its key part). */
function instructionEssence(instr: Instruction): object {
  const { location: _l, comments: _c, original: _o, keyword: _k, ...essence } = instr as Instruction & { trigger?: unknown };
  void _l;
  void _c;
  void _o;
  void _k;
  if ('trigger' in essence) delete essence.trigger;
  return essence;
}

/** History's created_by for config-only steps, as BuildKit writes them. */
export function configCreatedBy(instr: Instruction): string {
  switch (instr.kind) {
    case 'ENV':
      return `ENV ${instr.pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`;
    case 'LABEL':
      return `LABEL ${instr.pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`;
    case 'WORKDIR':
      return `WORKDIR ${instr.path}`;
    case 'USER':
      return `USER ${instr.user}`;
    case 'CMD':
      return `CMD ${JSON.stringify(instr.command)}`;
    case 'ENTRYPOINT':
      return `ENTRYPOINT ${JSON.stringify(instr.command)}`;
    case 'EXPOSE':
      return `EXPOSE map[${instr.ports.map((p) => `${p.includes('/') ? p : `${p}/tcp`}:{}`).join(' ')}]`;
    case 'VOLUME':
      return `VOLUME ${JSON.stringify(instr.volumes)}`;
    case 'STOPSIGNAL':
      return `STOPSIGNAL ${instr.signal}`;
    case 'SHELL':
      return `SHELL ${JSON.stringify(instr.shell)}`;
    case 'ONBUILD':
      return `ONBUILD ${instr.expression}`;
    case 'HEALTHCHECK':
      return `HEALTHCHECK &{${JSON.stringify(instr.health.test)}}`;
    default:
      return instr.original;
  }
}
