// berthd: reads its config, builds the engine, listens, and shuts down cleanly on signals.
// Containers keep running when berthd stops (conmon monitors them); the next berthd picks them up.
import { join } from 'node:path';
import { parseDaemonArgs } from './daemon-config.js';
import { createEngine } from './engine.js';
import { buildRouter, listen, type Listener } from '../api/server.js';
import { errorMessage } from '../errors.js';
import { acquirePidLock } from './pid-lock.js';
import { startSpawner, stopSpawner } from '../sys/spawner.js';
import { CliWorkerPool } from './cli-worker-pool.js';
import { Dashboard } from '../ui/dashboard.js';
import { projectFiles } from '../ui/compose-runner.js';
import { dashboardLoginRoutes } from '../api/routes/dashboard-login.js';

async function main(): Promise<void> {
  const config = parseDaemonArgs(process.argv.slice(2));
  const releaseLock = acquirePidLock(join(config.execRoot, 'berthd.pid'));
  // One-shot commands (runc, CNI plugins, iptables, ip) fork from a small helper, not from berthd's
  // thread (sys/spawner.ts); BERTH_SPAWNER=0 keeps them here.
  if (!/^(0|false|no)$/i.test(process.env.BERTH_SPAWNER ?? '')) startSpawner({ log: (l) => console.error(`berthd: ${l}`) });
  const engine = await createEngine(config);
  const router = buildRouter(engine);
  const ownSocket = config.hosts.find((h) => h.startsWith('unix://'));
  const dashboard = new Dashboard({
    router, debug: config.debug, ...(config.tls ? { tls: config.tls } : {}), ...(config.uiRegistry ? { registry: config.uiRegistry } : {}),
    ...(ownSocket ? {
      compose: {
        host: ownSocket,
        files: (project: string) => projectFiles([...engine.containers.list()].sort((a, b) => b.created.localeCompare(a.created)).map((c) => c.config.Labels ?? undefined), project),
      },
    } : {}),
  });
  dashboardLoginRoutes(router, dashboard);
  if (config.ui) console.error(`berthd: dashboard on ${await dashboard.start(config.ui)} (log in with \`berth dashboard\`)`);
  const listeners: Listener[] = [];
  for (const h of config.hosts) listeners.push(await listen(engine, router, h));
  console.error(`berthd: API listening on ${config.hosts.join(', ')}`);
  // After the API: a launcher that finds the CLI socket is served by the daemon it names.
  const cliWorkers = new CliWorkerPool({ socketPath: join(config.execRoot, 'cli.sock'), idle: config.cliWorkers, log: (l) => console.error(l), ...(ownSocket ? { warmupHost: ownSocket } : {}) });
  await cliWorkers.start().catch((err: unknown) => console.error(`berthd: no warm CLI workers: ${errorMessage(err)}`));
  let stopping = false;
  const shutdown = async (sig: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.error(`berthd: ${sig}, shutting down (containers keep running)`);
    await Promise.race([Promise.all([...listeners.map((l) => l.close()), dashboard.close(), cliWorkers.close()]), new Promise((r) => setTimeout(r, 1000))]);
    await engine.close();
    await stopSpawner();
    releaseLock();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`berthd: ${errorMessage(err)}`);
  process.exit(1);
});
