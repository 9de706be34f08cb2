// One instruction (after expansion) to its planner: RUN, COPY/ADD, WORKDIR, or a config-only one.
import type { Instruction } from './dockerfile/mod.js';
import { planConfigStep } from './plan-config.js';
import { planCopy } from './plan-copy.js';
import { type OutputSink, planRun } from './plan-run.js';
import { planWorkdir } from './plan-workdir.js';
import type { RunContext, StageState, StepPlan } from './step-context.js';

export async function planStep(ctx: RunContext, state: StageState, instr: Instruction, onOutput: OutputSink): Promise<StepPlan> {
  switch (instr.kind) {
    case 'RUN':
      return planRun(ctx, state, instr, onOutput);
    case 'COPY':
    case 'ADD':
      return planCopy(ctx, state, instr);
    case 'WORKDIR':
      return planWorkdir(ctx, state, instr);
    default:
      return planConfigStep(instr);
  }
}
