// berthd's settings: flags, then BERTH_* environment, then daemon.json (docker's keys where they
// mean the same), then defaults.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, isErrno } from '../errors.js';
import { checkListenPolicy } from './listen-policy.js';

export interface DaemonConfig {
  dataRoot: string;
  execRoot: string;
  /** Listen addresses: unix:///path, tcp://host:port. */
  hosts: string[];
  runtime: string;
  conmon: string;
  cgroupParent: string;
  insecureRegistries: string[];
  registryMirrors: Record<string, string[]>;
  tls?: { cert: string; key: string; ca?: string; verify: boolean };
  /** The default bridge's device (docker's --bridge) and subnet (docker's --bip, a CIDR). */
  bridgeName: string;
  bridgeSubnet?: string;
  /** Prefix of user networks' bridge devices and of berth's iptables chains (tests use their own). */
  bridgePrefix: string;
  chainPrefix: string;
  /** docker's --default-address-pool entries: base=CIDR,size=N. */
  addressPools: Array<{ base: string; size: number }>;
  debug: boolean;
  configFile: string;
  /** docker's --userns-remap: `default`, `user[:group]` or `uid[:gid]`; '' for none. */
  usernsRemap: string;
  /** The dashboard's listen address (--ui, daemon.json `ui`); unset: off until `berth dashboard`. */
  ui?: string;
  /** The registry the dashboard's registry browser reads (--ui-registry, daemon.json `ui-registry`). */
  uiRegistry?: string;
  /** Warm CLI workers kept ready on <exec root>/cli.sock (--cli-workers, daemon.json `cli-workers`); 0: none. */
  cliWorkers: number;
}

export const DEFAULTS = {
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  configFile: '/etc/berth/daemon.json',
};

interface DaemonJson {
  'data-root'?: string;
  'exec-root'?: string;
  hosts?: string[];
  'default-runtime'?: string;
  'cgroup-parent'?: string;
  'insecure-registries'?: string[];
  'registry-mirrors'?: string[] | Record<string, string[]>;
  bridge?: string;
  bip?: string;
  'bridge-prefix'?: string;
  'iptables-chain-prefix'?: string;
  'default-address-pools'?: Array<{ base: string; size: number }>;
  tls?: boolean;
  tlsverify?: boolean;
  tlscert?: string;
  tlskey?: string;
  tlscacert?: string;
  debug?: boolean;
  'userns-remap'?: string;
  ui?: string;
  'ui-registry'?: string;
  'cli-workers'?: number;
}

export function parseDaemonArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): DaemonConfig {
  const flags: Record<string, string[]> = {};
  const bools = new Set(['tls', 'tlsverify', 'debug', 'D']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) throw new InvalidArgumentError(`berthd: unexpected argument ${a}`);
    const eq = a.indexOf('=');
    const name = (eq === -1 ? a : a.slice(0, eq)).replace(/^--?/, '');
    let value: string;
    if (eq !== -1) value = a.slice(eq + 1);
    else if (bools.has(name)) value = 'true';
    else {
      value = argv[++i] ?? '';
      if (value === '') throw new InvalidArgumentError(`flag needs an argument: ${a}`);
    }
    (flags[name] ??= []).push(value);
  }
  const known = new Set(['bridge', 'b', 'bip', 'default-address-pool', 'bridge-prefix', 'iptables-chain-prefix', 'data-root', 'exec-root', 'H', 'host', 'config-file', 'runtime', 'conmon', 'cgroup-parent', 'insecure-registry', 'registry-mirror', 'tls', 'tlsverify', 'tlscert', 'tlskey', 'tlscacert', 'debug', 'D', 'userns-remap', 'ui', 'ui-registry', 'cli-workers']);
  for (const k of Object.keys(flags)) if (!known.has(k)) throw new InvalidArgumentError(`unknown flag: --${k}`);
  const one = (k: string): string | undefined => flags[k]?.[flags[k]!.length - 1];
  const configFile = one('config-file') ?? env.BERTH_CONFIG ?? DEFAULTS.configFile;
  let file: DaemonJson = {};
  try {
    file = JSON.parse(readFileSync(configFile, 'utf8')) as DaemonJson;
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw new InvalidArgumentError(`unable to configure the daemon with file ${configFile}: ${(err as Error).message}`);
  }
  const dataRoot = one('data-root') ?? env.BERTH_DATA_ROOT ?? file['data-root'] ?? DEFAULTS.dataRoot;
  const execRoot = one('exec-root') ?? env.BERTH_EXEC_ROOT ?? file['exec-root'] ?? DEFAULTS.execRoot;
  const hosts = [...(flags.H ?? []), ...(flags.host ?? [])];
  if (hosts.length === 0 && env.BERTH_HOST) hosts.push(env.BERTH_HOST);
  if (hosts.length === 0 && file.hosts) hosts.push(...file.hosts);
  if (hosts.length === 0) hosts.push(`unix://${execRoot}/berth.sock`);
  const mirrors: Record<string, string[]> = {};
  const fm = file['registry-mirrors'];
  if (Array.isArray(fm)) mirrors['docker.io'] = fm;
  else if (fm) Object.assign(mirrors, fm);
  for (const m of flags['registry-mirror'] ?? []) (mirrors['docker.io'] ??= []).push(m);
  const tlsverify = one('tlsverify') === 'true' || (one('tlsverify') === undefined && file.tlsverify === true);
  const tls = tlsverify || one('tls') === 'true' || file.tls === true;
  const cert = one('tlscert') ?? file.tlscert;
  const key = one('tlskey') ?? file.tlskey;
  const ca = one('tlscacert') ?? file.tlscacert;
  checkListenPolicy(hosts, { tls, verify: tlsverify, ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(ca ? { ca } : {}) });
  return {
    dataRoot,
    execRoot,
    hosts,
    runtime: one('runtime') ?? file['default-runtime'] ?? 'runc',
    conmon: one('conmon') ?? 'conmon',
    cgroupParent: one('cgroup-parent') ?? file['cgroup-parent'] ?? '/berth',
    insecureRegistries: [...(file['insecure-registries'] ?? []), ...(flags['insecure-registry'] ?? [])],
    registryMirrors: mirrors,
    ...(tls && cert && key ? { tls: { cert, key, ...(ca ? { ca } : {}), verify: tlsverify } } : {}),
    bridgeName: one('bridge') ?? one('b') ?? file.bridge ?? 'berth0',
    ...((one('bip') ?? file.bip) ? { bridgeSubnet: networkOf((one('bip') ?? file.bip)!) } : {}),
    bridgePrefix: one('bridge-prefix') ?? file['bridge-prefix'] ?? 'berth',
    chainPrefix: one('iptables-chain-prefix') ?? file['iptables-chain-prefix'] ?? 'BERTH',
    addressPools: (flags['default-address-pool'] ?? []).map(parsePool).concat(file['default-address-pools'] ?? []),
    debug: one('debug') === 'true' || one('D') === 'true' || file.debug === true,
    configFile,
    usernsRemap: one('userns-remap') ?? file['userns-remap'] ?? '',
    cliWorkers: cliWorkersOf(one('cli-workers') ?? file['cli-workers'] ?? 2),
    ...((one('ui') ?? file.ui) ? { ui: (one('ui') ?? file.ui)! } : {}),
    ...((one('ui-registry') ?? file['ui-registry']) ? { uiRegistry: registryUrl((one('ui-registry') ?? file['ui-registry'])!) } : {}),
  };
}

function cliWorkersOf(v: string | number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new InvalidArgumentError(`invalid --cli-workers ${v}: want a number from 0 to 16`);
  return n;
}

/** A registry's base URL: `host:port` alone means https, as docker assumes. */
function registryUrl(s: string): string {
  const url = /^https?:\/\//.test(s) ? s : `https://${s}`;
  try {
    new URL(url);
  } catch {
    throw new InvalidArgumentError(`invalid --ui-registry ${s}: want a registry URL such as http://127.0.0.1:5000`);
  }
  return url.replace(/\/+$/, '');
}

/** `base=10.10.0.0/16,size=24` */
function parsePool(s: string): { base: string; size: number } {
  const kv = Object.fromEntries(s.split(',').map((p) => p.split('=') as [string, string]));
  if (!kv.base || !kv.size) throw new InvalidArgumentError(`invalid default address pool: ${s}`);
  return { base: kv.base, size: Number(kv.size) };
}

/** docker's --bip names the bridge's address (10.1.0.1/24); the network is 10.1.0.0/24. */
function networkOf(cidr: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new InvalidArgumentError(`invalid --bip: ${cidr}`);
  const ip = ((+m[1]! << 24) | (+m[2]! << 16) | (+m[3]! << 8) | +m[4]!) >>> 0;
  const bits = Number(m[5]);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const net = (ip & mask) >>> 0;
  return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${bits}`;
}
