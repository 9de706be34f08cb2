// POST /build as dockerd's classic builder answers it: a failing step's error in the stream
// (errorDetail with the exit code, error), errors found before the first message as error
// responses, squash refused without experimental mode, --add-host in RUN steps, --cache-from
// deciding the cache, and the other parameters docker-py sends accepted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompatTarget, messageOf, type ApiResponse } from './harness.js';

interface BuildMessage {
  stream?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { code?: number; message?: string };
}

/** A context tar of `files`. */
function contextTar(files: Record<string, string>): Buffer {
  const dir = mkdtempSync('/tmp/berth-compat-build-');
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return execFileSync('tar', ['-C', dir, '-c', '.']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function messages(r: ApiResponse): BuildMessage[] {
  return r.text.split(/\r?\n/).filter((l) => l.trim()).map((l) => JSON.parse(l) as BuildMessage);
}

function streamText(ms: BuildMessage[]): string {
  return ms.map((m) => m.stream ?? '').join('');
}

describe('compat: build (classic builder)', () => {
  let t: CompatTarget;
  before(async () => {
    t = await CompatTarget.open();
  });
  after(async () => {
    await t?.close();
  });

  let n = 0;
  // Every image is tagged under the run's name, so close() removes it.
  const build = (dockerfile: string, query: Record<string, string | undefined> = {}): Promise<ApiResponse> =>
    t.api('POST', '/build', { query: { rm: '1', forcerm: '1', t: `${t.run}/b${++n}`, ...query }, input: contextTar({ Dockerfile: `${dockerfile}\nLABEL berth.compat=${t.run}\n` }) });

  it('a failing RUN: the output, then errorDetail with the exit code and error, in a 200 stream', async () => {
    const r = await build(`FROM busybox\nRUN echo ${t.run}-out && exit 3`);
    assert.equal(r.status, 200, r.text);
    const ms = messages(r);
    assert.match(streamText(ms), new RegExp(`Step 2/3 : RUN echo ${t.run}-out && exit 3`));
    assert.match(streamText(ms), new RegExp(`\n${t.run}-out\n`));
    const last = ms[ms.length - 1]!;
    const message = `The command '/bin/sh -c echo ${t.run}-out && exit 3' returned a non-zero code: 3`;
    assert.deepEqual(last, { errorDetail: { code: 3, message }, error: message });
    assert.ok(!ms.some((m) => m.aux), 'no image ID after a failure');
  });

  it("a RUN step's stderr is a stream message of its own, coloured red (\\x1b[91m … \\x1b[0m)", async () => {
    const r = await build(`FROM busybox\nRUN sh -c ">&2 echo ${t.run}-err"`, { nocache: '1' });
    assert.equal(r.status, 200, r.text);
    assert.ok(messages(r).some((m) => m.stream === `\x1b[91m${t.run}-err\n\x1b[0m`), r.text);
  });

  it('docker build (classic) exits with the step\'s code and prints its message', async () => {
    const dir = mkdtempSync('/tmp/berth-compat-build-');
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nRUN exit 7\n');
      const r = await t.docker(['build', '--force-rm', '-t', `${t.run}/fails`, dir], { timeoutMs: 120_000 });
      assert.equal(r.code, 7, r.stdout + r.stderr);
      assert.match(r.stderr, /The command '\/bin\/sh -c exit 7' returned a non-zero code: 7/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('errors before the first message are error responses: a parse error, an unknown target (400)', async () => {
    const parse = await build('FROM busybox\nRUN true\nBOGUS x');
    assert.equal(parse.status, 400, parse.text);
    assert.match(messageOf(parse), /^dockerfile parse error (on )?line 3: unknown instruction: BOGUS/);
    const target = await build('FROM busybox AS one\nRUN true', { target: 'nope' });
    assert.equal(target.status, 400, target.text);
    assert.match(messageOf(target), /nope/);
  });

  it('squash without experimental mode and a non-default isolation are refused (400)', async () => {
    const squash = await build('FROM busybox', { squash: '1' });
    assert.equal(squash.status, 400);
    assert.equal(messageOf(squash), 'squash is only supported with experimental mode');
    const isolation = await build('FROM busybox', { isolation: 'hyperv' });
    assert.equal(isolation.status, 400);
    assert.equal(messageOf(isolation), 'Unsupported isolation: "hyperv"');
  });

  it('extrahosts: RUN steps see the entries in /etc/hosts', async () => {
    const r = await build(`FROM busybox\nRUN echo ${t.run} && cat /etc/hosts`, { extrahosts: `${t.run}-host:10.1.2.3`, nocache: '1', t: `${t.run}/hosts` });
    assert.equal(r.status, 200);
    const ms = messages(r);
    assert.ok(!ms.some((m) => m.error), r.text);
    assert.match(streamText(ms), new RegExp(`10\\.1\\.2\\.3\\s+${t.run}-host`));
  });

  it('the parameters docker-py sends are accepted (rm, forcerm, nocache, pull, shmsize, networkmode, labels, buildargs)', async () => {
    const r = await build('FROM busybox\nARG A\nRUN echo "a=$A"', {
      forcerm: '1', nocache: '1', pull: '0', shmsize: String(64 << 20), networkmode: 'default',
      labels: JSON.stringify({ 'berth.compat.extra': 'yes' }), buildargs: JSON.stringify({ A: 'x1' }), t: `${t.run}/params`,
    });
    assert.equal(r.status, 200, r.text);
    const ms = messages(r);
    assert.ok(!ms.some((m) => m.error), r.text);
    assert.match(streamText(ms), /a=x1\n/);
    const id = ms.find((m) => m.aux?.ID)?.aux?.ID;
    assert.match(id ?? '', /^sha256:[0-9a-f]{64}$/);
    const img = await t.ok('GET', `/images/${t.run}/params/json`);
    assert.equal((img.body as { Id: string }).Id, id);
    assert.equal((img.body as { Config: { Labels: Record<string, string> } }).Config.Labels['berth.compat.extra'], 'yes');
  });

  it('q=1: the image ID is the only message', async () => {
    const r = await build(`FROM busybox\nRUN echo ${t.run}-quiet`, { q: '1' });
    assert.equal(r.status, 200);
    const ms = messages(r);
    assert.equal(ms.length, 1, r.text);
    assert.match(ms[0]!.stream ?? '', /^sha256:[0-9a-f]{64}\n$/);
  });

  it('cachefrom: only the named images decide the cache; an image built from the same steps seeds it', async () => {
    const df = `FROM busybox\nRUN echo ${t.run} > /a\nENV X=1\nRUN echo b > /b`;
    const first = messages(await build(df, { t: `${t.run}/seed` }));
    const seedId = first.find((m) => m.aux?.ID)?.aux?.ID;
    assert.ok(seedId, streamText(first));
    // An unrelated source: the local cache is not used, every step runs again.
    const other = messages(await build(df, { cachefrom: JSON.stringify(['busybox:latest']) }));
    assert.ok(!other.some((m) => m.error), streamText(other));
    assert.doesNotMatch(streamText(other), /Using cache/);
    // The seed as source: every step after FROM is cached, and the build ends at the seed itself.
    const seeded = messages(await build(df, { cachefrom: JSON.stringify([`${t.run}/seed`]) }));
    const text = streamText(seeded);
    assert.equal(text.match(/ ---> Using cache\n/g)?.length, 4, text);
    assert.equal(seeded.find((m) => m.aux?.ID)?.aux?.ID, seedId);
    // dockerd keeps the steps' images (the restored ones have parents of their own): children first.
    const ids = [first, other, seeded].flatMap((ms) => [...streamText(ms).matchAll(/ ---> ([0-9a-f]{12})\n/g)].map((m) => m[1]!));
    for (const id of ids.reverse()) await t.api('DELETE', `/images/${id}`, { query: { force: '1' } });
  });
});
