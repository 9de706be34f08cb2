// /_ping, /version, /info, /events, /auth, /system/df.
import { cpus, totalmem, hostname, release, arch } from 'node:os';
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { SERVER_HEADERS, sendJson } from '../http/responses.js';
import { MAX_API_VERSION, MIN_API_VERSION } from '../../engine-api-version.js';
import type { EngineEvent } from '../../events/event-bus.js';
import { eventWindow, followEvents } from '../../events/follow-events.js';
import { FilterArgs } from '../../filters/mod.js';
import { DEFAULT_LOG_DRIVER } from '../../container/log-driver.js';

export const BERTH_VERSION = '0.1.0';

export function systemRoutes(r: Router, engine: Engine): void {
  const ping = (ctx: Parameters<Parameters<Router['add']>[2]>[0]): void => {
    const res = ctx.res!;
    res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache', 'Builder-Version': '1', 'Swarm': 'inactive' });
    res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
  };
  r.add('GET', '/_ping', ping);
  r.add('HEAD', '/_ping', ping);

  r.add('GET', '/version', (ctx) => {
    sendJson(ctx.res!, 200, {
      Platform: { Name: 'berth' },
      Components: [{ Name: 'Engine', Version: BERTH_VERSION, Details: { ApiVersion: MAX_API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: goArch(), KernelVersion: release() } }],
      Version: BERTH_VERSION,
      ApiVersion: MAX_API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: 'berth',
      GoVersion: `node${process.versions.node}`,
      Os: 'linux',
      Arch: goArch(),
      KernelVersion: release(),
      BuildTime: engine.startedAt.toISOString(),
    });
  });

  r.add('GET', '/info', (ctx) => {
    const all = engine.containers.list();
    const count = (s: string[]): number => all.filter((c) => s.includes(c.state.Status)).length;
    sendJson(ctx.res!, 200, {
      ID: engine.config.dataRoot,
      Containers: all.length,
      ContainersRunning: count(['running', 'restarting']),
      ContainersPaused: count(['paused']),
      ContainersStopped: count(['exited', 'created', 'dead']),
      Images: engine.images.records().length,
      Driver: 'overlay2',
      DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true']],
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file', 'local'] },
      MemoryLimit: true, SwapLimit: true, KernelMemoryTCP: false, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true,
      PidsLimit: true, IPv4Forwarding: true, BridgeNfIptables: true, BridgeNfIp6tables: true, Debug: engine.config.debug,
      NFd: 0, OomKillDisable: true, NGoroutines: 0, SystemTime: new Date().toISOString(), LoggingDriver: DEFAULT_LOG_DRIVER,
      CgroupDriver: 'cgroupfs', CgroupVersion: '1', NEventsListener: 0, KernelVersion: release(), OperatingSystem: 'berth',
      OSVersion: '', OSType: 'linux', Architecture: arch() === 'x64' ? 'x86_64' : arch(), IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: {}, Mirrors: engine.config.registryMirrors['docker.io'] ?? [] },
      NCPU: cpus().length, MemTotal: totalmem(), GenericResources: null, DockerRootDir: engine.config.dataRoot,
      HttpProxy: process.env.HTTP_PROXY ?? '', HttpsProxy: process.env.HTTPS_PROXY ?? '', NoProxy: process.env.NO_PROXY ?? '',
      Name: hostname(), Labels: [], ExperimentalBuild: false, ServerVersion: BERTH_VERSION,
      Runtimes: { runc: { path: engine.config.runtime } }, DefaultRuntime: 'runc',
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true, Isolation: '', InitBinary: 'docker-init',
      ContainerdCommit: { ID: '' }, RuncCommit: { ID: '' }, InitCommit: { ID: '' },
      SecurityOptions: ['name=seccomp,profile=builtin', ...(engine.userns ? ['name=userns'] : [])], Warnings: [],
    });
  });

  r.add('GET', '/events', (ctx) => {
    const res = ctx.res!;
    const window = eventWindow(ctx.query.get('since'), ctx.query.get('until'));
    const filters = FilterArgs.parse(ctx.query.get('filters'));
    res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': 'application/json' });
    res.flushHeaders();
    const send = (e: EngineEvent): void => {
      res.write(JSON.stringify(e) + '\n');
    };
    const stop = followEvents(engine.events, { ...window, filters }, send, () => res.end());
    res.on('close', stop);
  });
}

function goArch(): string {
  const a = arch();
  return a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a;
}
