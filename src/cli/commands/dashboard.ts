// `berth dashboard`: asks berthd for a one-time dashboard login URL (berthd starts the dashboard
// on 127.0.0.1 if it was not started with --ui) and prints it, or opens it with --open.
import { spawn } from 'node:child_process';
import { dashboardLoginUrl } from '../../client/dashboard.js';
import type { CommandDefinition } from '../command.js';
import { bool } from '../flags/flag-spec.js';
import { findExecutable } from '../../fsutil/find-executable.js';

export const dashboardCommand: CommandDefinition = {
  name: 'dashboard',
  usage: '[OPTIONS]',
  description: "Print a one-time login URL for berthd's web dashboard",
  flags: [bool('open', undefined, 'Open the URL in a browser (xdg-open) instead of printing it')],
  args: { max: 0 },
  async run(ctx, cmd) {
    const client = await ctx.client();
    const { URL: url, ExpiresAt } = await dashboardLoginUrl(client);
    const opener = cmd.flags.open ? findExecutable('xdg-open') : undefined;
    if (opener && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) {
      spawn(opener, [url], { detached: true, stdio: 'ignore' }).unref();
      ctx.stderr.write(`Opened the dashboard (the link works once, until ${ExpiresAt})\n`);
      return 0;
    }
    ctx.stdout.write(`${url}\n`);
    ctx.stderr.write(`Open it in a browser to log in: it works once, until ${ExpiresAt}.\n`);
    return 0;
  },
};
