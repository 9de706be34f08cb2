// `berth registry serve|gc` through the CLI binary (commander wiring of the same flags).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { pushBlob, tempDir } from './harness.js';
import { BERTH } from '../../../support/repo-paths.js';

const run = promisify(execFile);

test('berth registry serve and berth registry gc', async (t) => {
  const root = tempDir(t);
  const child = spawn(process.execPath, [BERTH, 'registry', 'serve', '--addr', '127.0.0.1:0', '--root', root, '--no-access-log'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((r) => child.once('exit', r));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((res, rej) => {
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (\S+)/.exec(err);
      if (m) res(m[1]!);
    });
    child.once('exit', () => rej(new Error(err)));
  });
  const d = await pushBlob(url, 'cli/app', 'via the cli');
  assert.equal(out, '', 'no access log with --no-access-log');
  const gc = await run(process.execPath, [BERTH, 'registry', 'gc', '--root', root, '--dry-run', '--grace', '0s']);
  assert.match(gc.stdout, new RegExp(`would remove ${d}`));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
