// `berth system check [--repair]`: flags → POST /berth/v1/system/check → one line per orphan.
// Exits 1 while orphans are left (found without --repair, or a repair that failed).
import { systemCheck } from '../../client/system.js';
import type { CommandDefinition } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';

export const systemCheckCommand: CommandDefinition = {
  name: 'system check',
  usage: '[OPTIONS]',
  description: 'Find (and with --repair remove) what a crash left that nothing owns',
  flags: [bool('repair', undefined, 'Remove what is found'), str('format', undefined, "'json' prints the report as JSON")],
  args: { max: 0 },
  async run(ctx, cmd) {
    const repair = Boolean(cmd.flags.repair);
    const report = await systemCheck(await ctx.client(), repair);
    const left = report.findings.filter((f) => f.repaired !== true);
    if (cmd.flags.format === 'json') {
      ctx.stdout.write(JSON.stringify(report) + '\n');
      return left.length ? 1 : 0;
    }
    for (const f of report.findings) {
      const state = !repair ? '' : f.repaired ? 'removed: ' : `NOT removed (${f.error ?? 'unknown'}): `;
      ctx.stdout.write(`${state}${f.kind} ${f.id}: ${f.reason}\n`);
    }
    if (report.findings.length === 0) ctx.stdout.write('Nothing orphaned.\n');
    else if (!repair) ctx.stdout.write(`${report.findings.length} orphaned; run with --repair to remove them.\n`);
    return left.length ? 1 : 0;
  },
};
