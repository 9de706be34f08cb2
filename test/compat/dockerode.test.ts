// dockerode (and docker-modem under it) against the daemon: create, attach hijacked with stdin,
// start, wait, logs (demuxed, followed or not), exec with and without a tty, stats (one and a
// stream), events between since and until, remove: the flows Node programs use, as on dockerd.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import Docker from 'dockerode';
import { CompatTarget } from './harness.js';

/** Everything `stream` gives until it ends, demuxed into stdout and stderr. */
function demuxed(modem: Docker['modem'], stream: Readable): Promise<{ stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on('data', (c: Buffer) => o.push(c));
  err.on('data', (c: Buffer) => e.push(c));
  modem.demuxStream(stream, out, err);
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('end', () => resolve({ stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() }));
  });
}

/** The frames of a multiplexed log buffer (logs without follow come as one buffer). */
function demuxBuffer(buf: Buffer): { stdout: string; stderr: string } {
  const parts: Record<number, Buffer[]> = { 1: [], 2: [] };
  for (let i = 0; i + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(i + 4);
    parts[buf[i]!]?.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return { stdout: Buffer.concat(parts[1]!).toString(), stderr: Buffer.concat(parts[2]!).toString() };
}

function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

describe('compat: dockerode', () => {
  let t: CompatTarget;
  let docker: Docker;
  let n = 0;
  const create = (cmd: string[], extra: Docker.ContainerCreateOptions = {}): Promise<Docker.Container> =>
    docker.createContainer({ name: `${t.run}-${++n}`, Image: 'busybox:latest', Cmd: cmd, Labels: { 'berth.compat': t.run }, ...extra });

  before(async () => {
    t = await CompatTarget.open();
    docker = new Docker({ socketPath: t.host.slice('unix://'.length), version: `v${t.apiVersion}` });
  });
  after(async () => {
    await t?.close();
  });

  it('create, attach (hijacked, with stdin), start, wait: the echo of what was written', async () => {
    const c = await create(['sh', '-c', 'cat; echo done'], { OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const stream = (await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
    const output = demuxed(docker.modem, stream);
    await c.start();
    stream.write('hello from dockerode\n');
    stream.end();
    const { stdout, stderr } = await output;
    assert.equal(stdout, 'hello from dockerode\ndone\n');
    assert.equal(stderr, '');
    assert.deepEqual(await c.wait(), { Error: null, StatusCode: 0 });
    const logs = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    assert.deepEqual(demuxBuffer(logs), { stdout: 'hello from dockerode\ndone\n', stderr: '' });
  });

  it('wait gives the exit code; logs followed end with the container, demuxed by stream', async () => {
    const c = await create(['sh', '-c', 'echo one; echo oops >&2; sleep 1; echo two; exit 5']);
    await c.start();
    const stream = (await c.logs({ stdout: true, stderr: true, follow: true })) as unknown as Readable;
    const { stdout, stderr } = await demuxed(docker.modem, stream);
    assert.equal(stdout, 'one\ntwo\n');
    assert.equal(stderr, 'oops\n');
    assert.equal((await c.wait()).StatusCode, 5);
    const tail = demuxBuffer((await c.logs({ stdout: true, tail: 1 })) as unknown as Buffer);
    assert.equal(tail.stdout, 'two\n');
  });

  it('exec without a tty: stdout and stderr apart, the exit code in inspect', async () => {
    const c = await create(['sleep', '60']);
    await c.start();
    const exec = await c.exec({ Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 2'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const { stdout, stderr } = await demuxed(docker.modem, stream);
    assert.equal(stdout, 'out\n');
    assert.equal(stderr, 'err\n');
    const info = await exec.inspect();
    assert.equal(info.ExitCode, 2);
    assert.equal(info.Running, false);
    await c.remove({ force: true });
  });

  it('exec with a tty: one raw stream through a terminal (\\r\\n line ends)', async () => {
    const c = await create(['sleep', '60']);
    await c.start();
    const exec = await c.exec({ Cmd: ['sh', '-c', 'echo a; echo b >&2; tty >/dev/null && echo is-tty'], AttachStdout: true, AttachStderr: true, Tty: true });
    const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
    assert.equal(await readAll(stream), 'a\r\nb\r\nis-tty\r\n');
    assert.equal((await exec.inspect()).ExitCode, 0);
    await c.remove({ force: true });
  });

  it('stats: one sample with stream false, samples as they come with stream true', async () => {
    const c = await create(['sleep', '60']);
    await c.start();
    const one = (await c.stats({ stream: false })) as Docker.ContainerStats & { name?: string; id?: string };
    assert.equal(one.id, c.id);
    assert.equal(one.name, `/${t.run}-${n}`);
    for (const key of ['read', 'cpu_stats', 'precpu_stats', 'memory_stats', 'pids_stats', 'blkio_stats'] as const) assert.ok(key in one, key);
    assert.ok(one.memory_stats.usage! > 0);
    const stream = (await c.stats({ stream: true })) as unknown as Readable;
    const samples: Array<{ read: string }> = [];
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const l of lines) if (l.trim()) samples.push(JSON.parse(l) as { read: string });
        if (samples.length >= 2) {
          stream.destroy();
          resolve();
        }
      });
      stream.on('error', reject);
    });
    assert.ok(Date.parse(samples[1]!.read) > Date.parse(samples[0]!.read));
    await c.remove({ force: true });
  });

  it('events: filtered by label and type, between since and until, then the stream ends', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const c = await create(['true']);
    await c.start();
    await c.wait();
    await c.remove();
    await new Promise((r) => setTimeout(r, 1100));
    const until = Math.floor(Date.now() / 1000);
    const stream = (await docker.getEvents({ since, until, filters: { label: [`berth.compat=${t.run}`], type: ['container'], container: [c.id] } })) as unknown as Readable;
    const text = await readAll(stream);
    const events = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { ID: string } });
    assert.ok(events.every((e) => e.Type === 'container' && e.Actor.ID === c.id), text);
    assert.deepEqual(events.map((e) => e.Action), ['create', 'start', 'die', 'destroy']);
  });

  it('remove: force removes a running container, then it is gone (404)', async () => {
    const c = await create(['sleep', '60']);
    await c.start();
    await c.remove({ force: true });
    await assert.rejects(c.inspect(), (err: { statusCode?: number }) => err.statusCode === 404);
    const left = await docker.listContainers({ all: true, filters: { label: [`berth.compat=${t.run}`], name: [`${t.run}-${n}`] } });
    assert.deepEqual(left, []);
  });
});
