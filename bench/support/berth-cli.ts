// How the benches run berth's CLI against a berthd of their own: as users run it (the native
// launcher on PATH, served by the daemon's warm CLI workers; BERTH_WARM=1 makes a command that
// fell back to a cold start fail instead of being timed), and cold (`node bin/berth`, the start-up
// every command would pay without the workers).
import { spawnSync } from 'node:child_process';
import { BERTH, startTestDaemon } from '../../test/support/test-daemon.js';
import { BERTH_LAUNCHER } from '../../test/support/repo-paths.js';
import type { TestDaemon } from '../../test/support/test-daemon.js';
import type { Command } from './measure.js';

/** berthd flags for a bench daemon whose CLI commands go to warm workers. */
export const WARM_DAEMON_ARGS = ['--cli-workers', '2'];

export function warmBerth(d: TestDaemon): (args: string[]) => Command {
  return (args) => ({ cmd: BERTH_LAUNCHER, args, env: { BERTH_HOST: d.host, BERTH_CLI_SOCKET: d.cliSocket, BERTH_WARM: '1' } });
}

export function coldBerth(d: TestDaemon): (args: string[]) => Command {
  return (args) => ({ cmd: process.execPath, args: [BERTH, ...args], env: { BERTH_HOST: d.host } });
}

/**
 * A bench daemon with warm CLI workers, once they answer (they start after the API); stopped
 * again when they never do (e.g. the launcher belongs to another checkout of berth).
 */
export async function startWarmDaemon(opts: { busybox?: boolean } = {}): Promise<TestDaemon> {
  const d = await startTestDaemon({ ...opts, args: WARM_DAEMON_ARGS });
  const probe = warmBerth(d)(['version', '--format', '{{.Client.Version}}']);
  let last = '';
  for (let i = 0; i < 100; i++) {
    const r = spawnSync(probe.cmd, probe.args, { env: { ...process.env, ...probe.env }, encoding: 'utf8' });
    if (r.status === 0) return d;
    last = r.stderr;
    await new Promise((res) => setTimeout(res, 100));
  }
  await d.stop();
  throw new Error(`the bench daemon's warm CLI workers did not answer: ${last.trim()}`);
}
