// A worker's streams for one command: writes reach a pipe and a file through the command's own
// descriptors, stdin is made only when read, a reader gone is reported once (SIGPIPE), and
// closing leaves none of them open.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { makeJobStdio } from '../../../src/launcher/job-stdio.cjs';

const ADDON = join(import.meta.dirname, '../../../../native/build/Release/berth_sys.node');
const addon = existsSync(ADDON) ? (createRequire(import.meta.url)(ADDON) as { cliHandoffDup(fd: number): number }) : undefined;
const dup = (fd: number): number => addon!.cliHandoffDup(fd);

describe('makeJobStdio', { skip: addon ? false : 'the native addon is not built' }, () => {
  it('writes to a file and to a pipe, and closes every descriptor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bjob-'));
    try {
      const outFile = join(dir, 'out');
      const fileFd = openSync(outFile, 'w');
      // A pipe to a reader process: what the command writes must reach it before close.
      const cat = spawn('cat', [], { stdio: ['pipe', 'pipe', 'ignore'] });
      let piped = '';
      cat.stdout.on('data', (b: Buffer) => (piped += b.toString()));
      const pipeFd = (cat.stdin as unknown as { _handle: { fd: number } })._handle.fd;
      const inFd = openSync('/dev/null', 'r');
      const stdio = makeJobStdio([inFd, fileFd, dup(pipeFd)], dup);
      stdio.io.stdout.write('to the file\n');
      stdio.io.stderr.write('to the pipe\n');
      await stdio.flush();
      assert.equal(stdio.stdinUsed(), false);
      await stdio.close();
      cat.stdin.end();
      await new Promise((r) => cat.once('close', r));
      assert.equal(readFileSync(outFile, 'utf8'), 'to the file\n');
      assert.equal(piped, 'to the pipe\n');
      for (const fd of [inFd, fileFd]) assert.throws(() => closeSync(fd), /EBADF/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('calls onBrokenPipe when the reader of stdout has gone, and not for other streams', async () => {
    const reader = spawn('true', [], { stdio: ['pipe', 'ignore', 'ignore'] });
    const pipeFd = dup((reader.stdin as unknown as { _handle: { fd: number } })._handle.fd);
    reader.stdin.destroy();
    await new Promise((r) => reader.once('close', r));
    let broken = 0;
    const stdio = makeJobStdio([openSync('/dev/null', 'r'), pipeFd, openSync('/dev/null', 'w')], dup, () => broken++);
    stdio.io.stderr.write('to /dev/null\n');
    stdio.io.stdout.write('nobody reads this\n');
    await stdio.flush();
    assert.equal(broken, 1);
    assert.equal(stdio.writeError()?.code, 'EPIPE');
    await stdio.close();
  });

  it('makes stdin when the command reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bjob-'));
    try {
      const inPath = join(dir, 'in');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(inPath, 'input\n');
      const stdio = makeJobStdio([openSync(inPath, 'r'), openSync('/dev/null', 'w'), openSync('/dev/null', 'w')], dup);
      let read = '';
      for await (const chunk of stdio.io.stdin) read += chunk.toString();
      assert.equal(read, 'input\n');
      assert.equal(stdio.stdinUsed(), true);
      await stdio.close();
      assert.ok(existsSync(inPath));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
