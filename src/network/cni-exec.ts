// Runs one CNI plugin by the CNI protocol: the command and container facts in CNI_* variables,
// the network configuration as JSON on stdin, the result (or a CNI error object) as JSON on stdout.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError, NotFoundError } from '../errors.js';
import { execProgram, ranAndFailed } from '../sys/exec-program.js';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface CniInvocation {
  command: CniCommand;
  containerId: string;
  netns: string;
  ifname: string;
  /** The network configuration (one plugin's object, with prevResult/runtimeConfig merged in by the caller). */
  config: Record<string, unknown>;
  /** Extra CNI_ARGS as key=value pairs. */
  args?: Record<string, string>;
}

export interface CniInterface {
  name: string;
  mac?: string;
  sandbox?: string;
}

export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: { interface?: number; address: string; gateway?: string }[];
  routes?: { dst: string; gw?: string }[];
  dns?: Record<string, unknown>;
}

/** A plugin reported failure: the CNI error code and message (and details) it printed. */
export class CniPluginError extends BerthError {
  constructor(
    readonly plugin: string,
    readonly code: number,
    readonly msg: string,
    readonly details = '',
  ) {
    super(`CNI plugin ${plugin} failed: ${msg}${details ? `: ${details}` : ''}`);
  }
}

/** Finds plugin binaries in a list of directories (CNI_PATH); remembers what it found. */
export class CniPlugins {
  private readonly found = new Map<string, string>();

  constructor(readonly dirs: string[]) {}

  get cniPath(): string {
    return this.dirs.join(':');
  }

  async locate(type: string): Promise<string> {
    const known = this.found.get(type);
    if (known) return known;
    for (const dir of this.dirs) {
      const p = join(dir, type);
      try {
        await access(p);
        this.found.set(type, p);
        return p;
      } catch {
        // try the next directory
      }
    }
    throw new NotFoundError(`CNI plugin ${type} not found in ${this.dirs.join(', ')}`);
  }

  /** Runs the plugin named by `config.type`; resolves to its parsed result (empty object for DEL). */
  async exec(inv: CniInvocation): Promise<CniResult> {
    const type = String(inv.config.type);
    const bin = await this.locate(type);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: inv.command,
      CNI_CONTAINERID: inv.containerId,
      CNI_NETNS: inv.netns,
      CNI_IFNAME: inv.ifname,
      CNI_PATH: this.cniPath,
    };
    if (inv.args && Object.keys(inv.args).length > 0) {
      env.CNI_ARGS = Object.entries(inv.args)
        .map(([k, v]) => `${k}=${v}`)
        .join(';');
    }
    const { code, stdout, stderr } = await run(bin, env, JSON.stringify(inv.config));
    if (code !== 0) {
      let parsed: { code?: number; msg?: string; details?: string } = {};
      try {
        parsed = JSON.parse(stdout);
      } catch {
        parsed = { msg: stdout.trim() || stderr.trim() || `exit status ${code}` };
      }
      throw new CniPluginError(type, parsed.code ?? 999, parsed.msg ?? 'unknown error', parsed.details ?? stderr.trim());
    }
    if (inv.command !== 'ADD' && inv.command !== 'VERSION') return { cniVersion: String(inv.config.cniVersion ?? '') };
    return JSON.parse(stdout) as CniResult;
  }
}

/** The plugin's exit status and output; rejects only when it could not be started. */
async function run(bin: string, env: Record<string, string>, input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await execProgram(bin, [], { env, input, maxBuffer: 16 << 20 })) };
  } catch (err) {
    if (!ranAndFailed(err)) throw err;
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout, stderr: err.stderr };
  }
}
