// The berth binary as a user runs it: help, docker's flag and argument errors with their exit
// codes, and that nothing is started or contacted when the command line is wrong.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BERTH } from '../../support/repo-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
const NO_DAEMON = `unix://${join(dir, 'none.sock')}`;

function berth(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BERTH, ...args], { encoding: 'utf8', env: { ...process.env, BERTH_HOST: NO_DAEMON, ...env }, timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('berth command line', () => {
  it('prints its version and help', () => {
    assert.match(berth(['--version']).stdout, /^berth version \d+\.\d+\.\d+/);
    const help = berth(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage:  berth \[OPTIONS\] COMMAND/);
    assert.match(help.stdout, /\n  run +Create and run a new container from an image\n/);
    const run = berth(['run', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage:  berth run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]\n\nCreate and run a new container from an image\n\nAliases:\n  berth container run, berth run\n/);
    assert.match(run.stdout, /\n  -p, --publish list +Publish a container's port\(s\) to the host\n/);
    assert.match(berth(['container']).stdout, /^Usage:  berth container COMMAND\n/);
    assert.match(berth(['image', 'ls', '--help']).stdout, /^Usage:  berth image ls \[OPTIONS\] \[REPOSITORY\[:TAG\]\]/);
  });

  it('rejects unknown flags with exit 125 and the usage line', () => {
    const r = berth(['run', '--foo', 'busybox']);
    assert.equal(r.code, 125);
    assert.equal(r.stderr, "unknown flag: --foo\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'berth run --help' for more information\n");
    assert.equal(berth(['ps', '-x']).code, 125);
    assert.equal(berth(['--nope', 'ps']).code, 125);
    assert.match(berth(['run', '-m', 'lots', 'busybox']).stderr, /^invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'\n/);
  });

  it('passes flags after the image to the container', () => {
    // Parsing succeeds (the error is the missing daemon, not an unknown flag).
    const r = berth(['run', 'busybox', 'ls', '--foo']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^berth: Cannot connect to the berth daemon at unix:\/\/.*none\.sock\. Is the berth daemon running\?\n\nRun 'berth run --help' for more information\n$/);
  });

  it('keeps --env-file for itself when run through its #! line (node 20 would grab it)', () => {
    const file = join(dir, 'vars.env');
    writeFileSync(file, 'A=1\n');
    const r = spawnSync(BERTH, ['run', '--env-file', file, 'busybox'], { encoding: 'utf8', env: { ...process.env, BERTH_HOST: NO_DAEMON } });
    assert.equal(r.status, 125);
    assert.match(r.stderr, /^berth: Cannot connect to the berth daemon/);
  });

  it('checks the argument count like docker (exit 1)', () => {
    const r = berth(['rm']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "berth: 'berth rm' requires at least 1 argument\n\nUsage:  berth rm [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'berth rm --help' for more information\n");
    assert.match(berth(['rename', 'a']).stderr, /'berth rename' requires 2 arguments/);
  });

  it('reports unknown commands', () => {
    const r = berth(['frobnicate']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^berth: unknown command: berth frobnicate\n/);
  });

  it('checks --format before contacting the daemon', () => {
    const r = berth(['ps', '--format', '{{.ID']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^template parsing error: template: :1: unclosed action\n/);
  });

  it('does not start a daemon when a host was given', () => {
    const r = berth(['ps']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Cannot connect to the berth daemon at unix:\/\/.*none\.sock/);
  });
});
