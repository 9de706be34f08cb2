// exec-program.ts and the spawner: a command gives execFile's result and execFile's error whether
// it runs in this process or in the spawner, input reaches its stdin, and a spawner that died is
// fallen back from (and started again).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { execProgram, ranAndFailed } from '../../../src/sys/exec-program.js';
import { currentSpawner, startSpawner, stopSpawner, type Spawner } from '../../../src/sys/spawner.js';

const execFileP = promisify(execFile);

/** What a caller can see of a result or an error. */
async function seen(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    return { ok: await p };
  } catch (err) {
    const e = err as Record<string, unknown> & Error;
    const fields = ['code', 'errno', 'syscall', 'path', 'spawnargs', 'signal', 'killed', 'cmd', 'stdout', 'stderr'];
    return { failed: e.message, ...Object.fromEntries(fields.filter((f) => e[f] !== undefined).map((f) => [f, e[f]])) };
  }
}

const CASES: Array<[string, string, string[], { timeout?: number }?]> = [
  ['output', 'sh', ['-c', 'echo out; echo err >&2']],
  ['exit status', 'sh', ['-c', 'echo partial; echo broken >&2; exit 3']],
  ['missing binary', 'berth-no-such-binary', ['x']],
  ['timeout', 'sleep', ['5'], { timeout: 100 }],
];

async function untilServing(): Promise<Spawner> {
  for (let i = 0; i < 200; i++) {
    const s = currentSpawner();
    if (s?.serving) return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the spawner did not start');
}

describe('execProgram', () => {
  after(() => stopSpawner());

  it('without a spawner: execFile\'s results and errors, input on stdin', async () => {
    assert.equal(currentSpawner(), undefined);
    for (const [what, file, args, opts] of CASES) {
      assert.deepEqual(await seen(execProgram(file, args, opts)), await seen(execFileP(file, args, opts ?? {})), what);
    }
    assert.deepEqual(await execProgram('cat', [], { input: 'to stdin\n' }), { stdout: 'to stdin\n', stderr: '' });
    const ppid = await execProgram('sh', ['-c', 'echo $PPID']);
    assert.equal(Number(ppid.stdout), process.pid);
  });

  it('through the spawner: the same results and errors, run by the helper', async () => {
    const s = startSpawner({ restartDelayMs: 50 });
    await untilServing();
    for (const [what, file, args, opts] of CASES) {
      assert.deepEqual(await seen(execProgram(file, args, opts)), await seen(execFileP(file, args, opts ?? {})), what);
    }
    assert.deepEqual(await execProgram('cat', [], { input: 'to stdin\n' }), { stdout: 'to stdin\n', stderr: '' });
    const big = 'x'.repeat(3 << 20);
    assert.equal((await execProgram('cat', [], { input: big, maxBuffer: 8 << 20 })).stdout, big);
    const env = await execProgram('sh', ['-c', 'echo "$ONLY" $PPID; pwd'], { env: { ONLY: 'this', PATH: process.env.PATH }, cwd: '/tmp' });
    assert.equal(env.stdout, `this ${s.pid}\n/tmp\n`);
    const side = await Promise.all(Array.from({ length: 8 }, (_, i) => execProgram('sh', ['-c', `echo ${i}`])));
    assert.deepEqual(side.map((r) => r.stdout), ['0', '1', '2', '3', '4', '5', '6', '7'].map((n) => `${n}\n`));
  });

  it('a spawner that died: commands in flight fail, later ones run here, and it comes back', async () => {
    const s = await untilServing();
    const oldPid = s.pid!;
    const inFlight = execProgram('sleep', ['2']);
    await new Promise((r) => setTimeout(r, 100));
    process.kill(oldPid, 'SIGKILL');
    const lost = await seen(inFlight);
    assert.match(String(lost.failed), /^spawner exited \(SIGKILL\) while sleep ran$/);
    assert.equal(ranAndFailed(Object.assign(new Error(), lost)), false);
    const here = await execProgram('sh', ['-c', 'echo $PPID']);
    assert.equal(Number(here.stdout), process.pid);
    assert.deepEqual(await seen(execProgram('berth-no-such-binary', ['x'])), await seen(execFileP('berth-no-such-binary', ['x'])));
    const back = await untilServing();
    assert.notEqual(back.pid, oldPid);
    assert.equal(Number((await execProgram('sh', ['-c', 'echo $PPID'])).stdout), back.pid);
  });

  it('stopSpawner ends the helper; commands run here afterwards', async () => {
    const pid = (await untilServing()).pid!;
    await stopSpawner();
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    assert.equal(currentSpawner(), undefined);
    assert.equal(Number((await execProgram('sh', ['-c', 'echo $PPID'])).stdout), process.pid);
  });
});
