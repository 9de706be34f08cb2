// Every flag docker 28's CLI has on a command berth knows, berth has too, unless it is listed
// below with the reason. Runs `docker <cmd> --help` (no daemon needed); skipped without docker.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { COMMANDS, lookupCommand } from '../../../src/cli/command-table.js';

/**
 * What berth leaves out on purpose, each with its reason: docker flags (on the commands named) and
 * docker commands (`flags` absent; swarm commands are left out wholesale). Kept short: an entry
 * that is no longer needed fails the test, so the list only says what is really missing.
 */
interface Excuse {
  readonly on: readonly string[];
  readonly flags?: readonly string[];
  readonly reason: string;
}
const EXCUSED: readonly Excuse[] = [
  { on: ['run', 'create'], flags: ['cpu-count', 'cpu-percent', 'io-maxbandwidth', 'io-maxiops'], reason: 'Windows containers only' },
  { on: ['build'], flags: ['isolation'], reason: "the legacy builder's Windows isolation" },
  { on: ['run', 'create'], flags: ['kernel-memory'], reason: 'kernel memory limits are gone with cgroup v2' },
  { on: ['build'], flags: ['squash'], reason: 'experimental in docker' },
  { on: ['volume create'], flags: ['availability', 'group', 'limit-bytes', 'required-bytes', 'scope', 'secret', 'sharing', 'topology-preferred', 'topology-required', 'type'], reason: 'swarm cluster (CSI) volumes' },
  { on: ['volume ls'], flags: ['cluster'], reason: 'swarm cluster (CSI) volumes' },
  { on: ['start'], flags: ['checkpoint', 'checkpoint-dir'], reason: 'experimental CRIU checkpoints' },
  { on: ['images'], flags: ['tree'], reason: "experimental multi-platform view; berth's store holds one platform per image" },
  { on: ['checkpoint'], reason: 'experimental CRIU checkpoints' },
  { on: ['volume update'], reason: 'swarm cluster (CSI) volumes only' },
];

const excusedFlags = (path: string): string[] => EXCUSED.filter((e) => e.flags && e.on.includes(path)).flatMap((e) => e.flags!);
const commandExcused = (path: string): boolean => EXCUSED.some((e) => !e.flags && e.on.some((c) => c === path || path.startsWith(`${c} `)));

function dockerHelp(args: string[]): string | undefined {
  try {
    return execFileSync('docker', [...args, '--help'], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock', DOCKER_CLI_HINTS: 'false' }, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** The command names of each `… Commands:` section of a help text. */
function commandSections(help: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let section: string | undefined;
  for (const line of help.split('\n')) {
    const head = /^((?:\S.* )?Commands):$/.exec(line);
    if (head) {
      section = head[1]!;
      out[section] = [];
      continue;
    }
    if (/^\S/.test(line)) section = undefined;
    const cmd = /^  ([a-z][\w-]*)\*?\s/.exec(line);
    if (section && cmd) out[section]!.push(cmd[1]!);
  }
  return out;
}

function dockerFlags(path: string): string[] | undefined {
  let out: string;
  try {
    out = execFileSync('docker', [...path.split(' '), '--help'], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock', DOCKER_CLI_HINTS: 'false' } });
  } catch {
    return undefined;
  }
  // A command docker lacks (berth's own, like `dashboard`) gets docker's top-level help.
  if (/^Usage:\s+docker \[OPTIONS\] COMMAND$/m.test(out)) return undefined;
  const options = out.split(/\n(?:Global )?Options:\n/)[1] ?? '';
  return [...options.matchAll(/^\s+(?:-\S, )?--([a-z0-9-]+)/gm)].map((m) => m[1]!).filter((f) => f !== 'help');
}

const hasDocker = ((): boolean => {
  try {
    execFileSync('docker', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('flag parity with the docker CLI', { skip: !hasDocker && 'no docker CLI' }, () => {
  it('berth has every docker flag of each command, or says why not', async () => {
    const missing: string[] = [];
    for (const entry of COMMANDS) {
      const path = entry.paths[0]!;
      const theirs = dockerFlags(path);
      if (!theirs) continue;
      // Without docker's compose plugin, `docker compose --help` prints the root help: nothing to compare.
      if (path === 'compose' && theirs.includes('tlscacert')) continue;
      const def = await entry.load();
      const ours = new Set(def.flags.map((f) => f.name));
      const excused = new Set(excusedFlags(path));
      for (const f of theirs) if (!ours.has(f) && !excused.has(f)) missing.push(`${path}: --${f}`);
      // An excuse for a flag berth has, or docker lacks, is stale.
      for (const f of excused) if (ours.has(f) || !theirs.includes(f)) missing.push(`${path}: --${f} is excused but ${ours.has(f) ? 'berth has it' : 'docker lacks it'}`);
    }
    assert.deepEqual(missing, []);
  });

  it('the allow-list stays short, each entry with its reason', () => {
    assert.ok(EXCUSED.length <= 15, `${EXCUSED.length} entries`);
    for (const e of EXCUSED) assert.ok(e.reason.length > 0 && e.on.length > 0);
  });

  it('berth has every docker command but the swarm ones, or says why not', () => {
    const missing: string[] = [];
    for (const [section, names] of Object.entries(commandSections(dockerHelp([]) ?? ''))) {
      if (section === 'Swarm Commands') continue;
      for (const name of names) {
        const subs = section === 'Management Commands' ? commandSections(dockerHelp([name]) ?? '').Commands ?? [] : [];
        const paths = subs.length ? subs.map((sub) => `${name} ${sub}`) : [name];
        for (const path of paths) {
          if (commandExcused(path)) continue;
          if (lookupCommand(path.split(' '))?.words !== path.split(' ').length) missing.push(path);
        }
      }
    }
    assert.deepEqual(missing, []);
  });
});
