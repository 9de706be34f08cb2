// An exec whose command cannot start (no such binary): the start stream carries the runtime's
// error once, and the exec's exit code is 126 (dockerd's for any exec that failed to start).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';
import { container, createExec } from './raw-stream.js';

let t: CompatTarget;
let host: string;
before(async () => {
  t = await CompatTarget.open();
  host = await container(t, 'host', { Cmd: ['sleep', '300'] });
});
after(() => t.close());

describe('exec of a missing command', () => {
  it('exit code 126, the error said once in the stream', async () => {
    const ex = await createExec(t, host, { Cmd: ['no-such-binary', 'ps'] });
    const r = await t.api('POST', `/exec/${ex}/start`, { body: { Detach: false, Tty: false } });
    assert.match(r.text, /OCI runtime exec failed: exec failed: .*"no-such-binary": executable file not found in \$PATH/);
    assert.doesNotMatch(r.text, /(exec failed: ){3}/);
    const inspect = (await t.ok('GET', `/exec/${ex}/json`)).body as { Running: boolean; ExitCode: number };
    assert.equal(inspect.Running, false);
    assert.equal(inspect.ExitCode, 126);
  });
});
