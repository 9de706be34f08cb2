// The Dockerfile corpus (test/build/corpus/*): each entry built against a test berthd — through the
// real docker CLI's classic builder, or berth's CLI where a flag only it has is needed — and the
// result checked by running the image and inspecting its config, not only by the build's success.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { writeFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { corpusCopy, dockerBuild, dockerRun, inspectImage, runIn } from './harness.js';

describe('build corpus', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('instructions: config, files, users and shells as written', async () => {
    const c = corpusCopy('instructions');
    try {
      const b = await dockerBuild(d, ['-t', 'corpus/instructions:1', c.dir]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      assert.match(b.stdout, /Successfully tagged corpus\/instructions:1/);
      // Default entrypoint + cmd.
      const r = await dockerRun(d, ['corpus/instructions:1']);
      assert.equal(r.stdout, 'hello from app\n');
      const files = await runIn(d, 'corpus/instructions:1', 'cd /srv/app && cat shell.txt exec.txt shellopts.txt sub/n.txt /data/uid.txt; ls; pwd');
      assert.equal(files, 'shell form: hello world\nexec form\n/bin/sh errexit\nnested\n65534\nexec.txt\nhello.txt\nshell.txt\nshellopts.txt\nsub\n/srv/app\n');
      const img = await inspectImage(d, 'corpus/instructions:1');
      const cfg = img.Config;
      assert.deepEqual(cfg.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'APP_HOME=/srv/app', 'GREETING=hello world']);
      assert.equal(cfg.WorkingDir, '/srv/app');
      assert.equal(cfg.User, 'root');
      assert.deepEqual(cfg.ExposedPorts, { '53/udp': {}, '8080/tcp': {} });
      assert.deepEqual(cfg.Volumes, { '/data': {} });
      assert.deepEqual(cfg.Labels, { 'org.example.name': 'corpus instructions', 'org.example.version': '1' });
      assert.equal(cfg.StopSignal, 'SIGUSR1');
      assert.deepEqual(cfg.Healthcheck, { Test: ['CMD-SHELL', 'test -f /srv/app/hello.txt'], Interval: 30e9, Timeout: 3e9, StartPeriod: 1e9, Retries: 2 });
      assert.deepEqual(cfg.OnBuild, ['RUN echo child > /onbuild.txt']);
      assert.deepEqual(cfg.Entrypoint, ['/bin/sh', '-c']);
      assert.deepEqual(cfg.Cmd, ['cat /srv/app/hello.txt']);
      assert.deepEqual(cfg.Shell, ['/bin/sh', '-ec']);
      assert.equal(img.Author, 'berth tests');
      // History: one entry per step, layers only for COPY/RUN, BuildKit's comment.
      const h = await d.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', 'corpus/instructions:1']);
      const rows = h.stdout.trim().split('\n');
      assert.match(rows[0]!, /^CMD \["cat \/srv\/app\/hello.txt"\]\|0B$/);
      assert.ok(rows.some((r) => /^RUN \/bin\/sh -c echo "shell form: \$GREETING" > shell.txt # buildkit\|/.test(r)), rows.join('\n'));
      assert.ok(rows.some((r) => r.startsWith('COPY app/ ./ # buildkit|')), rows.join('\n'));
      // ONBUILD fires in a child build and is not inherited further.
      const child = await dockerBuild(d, ['-t', 'corpus/child', '-'], 'FROM corpus/instructions:1\n');
      assert.equal(child.code, 0, child.stdout + child.stderr);
      assert.equal(await runIn(d, 'corpus/child', 'cat /onbuild.txt'), 'child\n');
      assert.equal((await inspectImage(d, 'corpus/child')).Config.OnBuild, null);
    } finally {
      c.remove();
    }
  });

  it('instructions: WORKDIR makes its directory', async () => {
    assert.equal(await runIn(d, 'corpus/instructions:1', 'stat -c "%F %u %a" /made/by/workdir'), 'directory 0 755\n');
  });

  it('instructions: .dockerignore keeps files out of the context', async () => {
    assert.equal(await runIn(d, 'corpus/instructions:1', 'test -e /srv/app/secret.key && echo present || echo absent'), 'absent\n');
  });

  it('copy-flags: owners, modes, globs, directories, --from an image, symlinks kept inside the root', async () => {
    const c = corpusCopy('copy-flags');
    try {
      const b = await dockerBuild(d, ['-t', 'corpus/copy', c.dir]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      const out = await runIn(
        d,
        'corpus/copy',
        [
          'stat -c "%n %u:%g %a" /owned/by-name.txt /owned/by-id.txt /usr/local/bin/run-script',
          'run-script',
          'ls /globbed; ls /contents',
          'cat /etc/inner.txt; test -f /etc/passwd && echo passwd-kept',
          'cat /from-image/group /linked.txt /heredoc.txt',
          'cat /escape/a.txt',
        ].join('; '),
      );
      assert.equal(
        out,
        [
          '/owned/by-name.txt 1500:1600 644',
          '/owned/by-id.txt 1234:1234 644',
          '/usr/local/bin/run-script 0:0 750',
          'script ran',
          'a.txt',
          'b.txt',
          'inner.txt',
          'in dir',
          'passwd-kept',
          'root:x:0:',
          'nobody:x:65534:',
          'a',
          'inline body',
          'a',
          '',
        ].join('\n'),
      );
    } finally {
      c.remove();
    }
  });

  it('multistage (docker CLI): stages by name and index, scratch, unused stage skipped, --target', async () => {
    const c = corpusCopy('multistage');
    try {
      const b = await dockerBuild(d, ['-t', 'corpus/multi', '--target', 'final', c.dir]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      assert.doesNotMatch(b.stdout, /must not be built/);
      assert.doesNotMatch(b.stdout, /FROM busybox AS unused/);
      const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
      const r = await dockerRun(d, ['corpus/multi']);
      assert.equal(r.stdout, `tools for ${arch}\nbase\nbase\n`);
      assert.equal(await runIn(d, 'corpus/multi', 'busybox-copy echo copied-binary'), 'copied-binary\n');
      const other = await dockerBuild(d, ['-t', 'corpus/other', '--target', 'other-target', c.dir]);
      assert.equal(other.code, 0, other.stdout + other.stderr);
      assert.doesNotMatch(other.stdout, /FROM busybox AS base/);
      assert.equal((await dockerRun(d, ['corpus/other'])).stdout, 'other\n');
    } finally {
      c.remove();
    }
  });

  it('run-mounts: cache, bind (context and stage), secret, tmpfs, --network=none; no mount point left in the image', async () => {
    const c = corpusCopy('run-mounts');
    const secretDir = mkdtempSync('/tmp/berth-build-secret-');
    try {
      writeFileSync(join(secretDir, 'token'), 's3cret');
      const b = await d.berth(['build', '-t', 'corpus/mounts', '--secret', `id=token,src=${join(secretDir, 'token')}`, c.dir], { timeoutMs: 120_000 });
      assert.equal(b.code, 0, b.stdout + b.stderr);
      const out = await runIn(
        d,
        'corpus/mounts',
        'cat /cache-runs.txt /from-context.txt /from-stage.txt /secret-copy.txt; echo; cat /secret-env.txt /netdevs.txt; for p in /cache /mnt /run/secrets /scratch; do test -e $p && echo "leak $p"; done; true',
      );
      assert.equal(out, '1\nbound file\nfrom a stage\ns3cret\ns3cret\n1\n');
      assert.ok(!(await inspectImage(d, 'corpus/mounts')).Config.Env.some((e: string) => e.startsWith('TOKEN=')));
      // The cache mount outlives the build: a rebuild without the step cache sees the first run's file.
      const again = await d.berth(['build', '--no-cache', '-t', 'corpus/mounts', '--secret', `id=token,src=${join(secretDir, 'token')}`, c.dir], { timeoutMs: 120_000 });
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.equal(await runIn(d, 'corpus/mounts', 'cat /cache-runs.txt'), '2\n');
    } finally {
      c.remove();
      rmSync(secretDir, { recursive: true, force: true });
    }
  });

  it('--build-context: COPY --from and RUN --mount from= a named directory (berth CLI)', async () => {
    const dir = mkdtempSync('/tmp/berth-build-ctx-');
    try {
      for (const sub of ['main', 'extra']) execFileSync('mkdir', ['-p', join(dir, sub)]);
      writeFileSync(join(dir, 'extra', 'shared.txt'), 'from the named context\n');
      writeFileSync(join(dir, 'main', 'Dockerfile'), 'FROM busybox\nCOPY --from=extra shared.txt /copied.txt\nRUN --mount=type=bind,from=extra,target=/mnt/extra cp /mnt/extra/shared.txt /mounted.txt\n');
      const b = await d.berth(['build', '-t', 'corpus/ctx', '--build-context', `extra=${join(dir, 'extra')}`, join(dir, 'main')], { timeoutMs: 60_000 });
      assert.equal(b.code, 0, b.stdout + b.stderr);
      assert.equal(await runIn(d, 'corpus/ctx', 'cat /copied.txt /mounted.txt'), 'from the named context\nfrom the named context\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('args: global ARGs, defaults, --build-arg, --label', async () => {
    const c = corpusCopy('args');
    try {
      const plain = await dockerBuild(d, ['-t', 'corpus/args:default', c.dir]);
      assert.equal(plain.code, 0, plain.stdout + plain.stderr);
      assert.equal((await dockerRun(d, ['corpus/args:default'])).stdout, '1.0/plain\n1.0-plain\n');
      const b = await dockerBuild(d, ['-t', 'corpus/args:set', '--build-arg', 'VERSION=2.5', '--build-arg', 'FLAVOR=extra', '--build-arg', 'NOBODY=x', '--label', 'team=build', c.dir]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      assert.match(b.stdout, /\[Warning\] One or more build-args \[NOBODY\] were not consumed/);
      assert.equal((await dockerRun(d, ['corpus/args:set'])).stdout, '2.5/extra\n2.5-extra\n');
      const img = await inspectImage(d, 'corpus/args:set');
      assert.deepEqual(img.Config.Labels, { team: 'build', version: '2.5' });
      const h = await d.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'corpus/args:set']);
      assert.match(h.stdout, /RUN \|2 VERSION=2\.5 FLAVOR=extra \/bin\/sh -c echo/);
    } finally {
      c.remove();
    }
  });

  it('remote contexts: a tar or a Dockerfile fetched by the daemon (docker build URL)', async () => {
    const dir = mkdtempSync('/tmp/berth-build-remote-');
    let server: Server | undefined;
    try {
      execFileSync('mkdir', ['-p', join(dir, 'ctx')]);
      writeFileSync(join(dir, 'ctx', 'Dockerfile'), 'FROM busybox\nCOPY msg.txt /\nCMD ["cat", "/msg.txt"]\n');
      writeFileSync(join(dir, 'ctx', 'msg.txt'), 'from a remote tar\n');
      execFileSync('tar', ['-czf', join(dir, 'ctx.tar.gz'), '-C', join(dir, 'ctx'), '.']);
      const tar = readFileSync(join(dir, 'ctx.tar.gz'));
      server = createServer((req, res) => {
        if (req.url === '/ctx.tar.gz') res.end(tar);
        else res.end('FROM busybox\nCMD ["echo", "from a remote Dockerfile"]\n');
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const a = await dockerBuild(d, ['-t', 'remote/tar', `${base}/ctx.tar.gz`]);
      assert.equal(a.code, 0, a.stdout + a.stderr);
      assert.equal((await dockerRun(d, ['remote/tar'])).stdout, 'from a remote tar\n');
      const b = await dockerBuild(d, ['-t', 'remote/df', `${base}/Dockerfile`]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      assert.equal((await dockerRun(d, ['remote/df'])).stdout, 'from a remote Dockerfile\n');
    } finally {
      server?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('remote contexts: a git repository cloned by the daemon (POST /build?remote=git://…#ref:dir)', async () => {
    const dir = mkdtempSync('/tmp/berth-build-git-');
    let daemon: ReturnType<typeof spawn> | undefined;
    try {
      const repo = join(dir, 'repo');
      execFileSync('mkdir', ['-p', join(repo, 'sub')]);
      writeFileSync(join(repo, 'sub', 'Dockerfile'), 'FROM busybox\nCOPY note.txt /\nCMD ["cat", "/note.txt"]\n');
      writeFileSync(join(repo, 'sub', 'note.txt'), 'from git\n');
      const g = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args]);
      g('init', '-q', '-b', 'release');
      g('add', '-A');
      g('commit', '-qm', 'context');
      const port = 20000 + (process.pid % 20000);
      daemon = spawn('git', ['daemon', '--export-all', `--base-path=${dir}`, `--port=${port}`, '--listen=127.0.0.1', '--reuseaddr'], { stdio: 'ignore' });
      const remote = `git://127.0.0.1:${port}/repo#release:sub`;
      let body = '';
      for (let attempt = 0; attempt < 20 && !/Successfully tagged/.test(body); attempt++) {
        await new Promise((r) => setTimeout(r, 100)); // git daemon listening
        body = await new Promise<string>((resolve, reject) => {
          const req = request({ socketPath: d.socket, method: 'POST', path: `/v1.47/build?t=remote/git&remote=${encodeURIComponent(remote)}` }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve(text));
          });
          req.on('error', reject);
          req.end();
        });
      }
      assert.match(body, /Successfully tagged remote\/git:latest/, body);
      assert.equal((await dockerRun(d, ['remote/git'])).stdout, 'from git\n');
    } finally {
      daemon?.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('heredocs: shell scripts, #! programs, heredocs inside commands, COPY bodies', async () => {
    const c = corpusCopy('heredocs');
    try {
      const b = await dockerBuild(d, ['-t', 'corpus/heredocs', c.dir]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      const out = await runIn(d, 'corpus/heredocs', 'cat /script.txt /program.txt /inline.txt /copied.txt /literal.txt; test -e /dev/pipes/EOF || echo no-leftover');
      assert.equal(out, 'shell script for corpus\nprogram /dev/pipes/EOF\ninline body\nexpanded for corpus\nkept as ${WHO}\nno-leftover\n');
    } finally {
      c.remove();
    }
  });

  it('add: archives unpacked, files copied, URLs downloaded from a loopback server', async () => {
    const c = corpusCopy('add');
    let server: Server | undefined;
    try {
      execFileSync('tar', ['-czf', join(c.dir, 'payload.tar.gz'), '-C', join(c.dir, 'payload'), '.']);
      execFileSync('tar', ['-cf', join(c.dir, 'payload.tar'), '-C', join(c.dir, 'payload'), 'inner']);
      server = createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' });
        res.end(`served ${req.url}\n`);
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const probe = mkdtempSync('/tmp/berth-add-probe-');
      const b = await dockerBuild(d, ['-t', 'corpus/add', '--build-arg', `URL=http://127.0.0.1:${port}/files/remote.txt`, '--build-arg', `PROBE=${probe}`, c.dir]).finally(() => {
        // Nothing may have been written on the host through the image's symlink.
        const leaked = readdirSync(probe);
        rmSync(probe, { recursive: true, force: true });
        assert.deepEqual(leaked, []);
      });
      assert.equal(b.code, 0, b.stdout + b.stderr);
      const out = await runIn(
        d,
        'corpus/add',
        'cat /unpacked/inner/file.txt /unpacked-plain/inner/file.txt /plain/file.txt /downloaded/remote.txt /downloaded-named.txt; stat -c "%a %Y" /downloaded/remote.txt /downloaded-named.txt',
      );
      assert.equal(out, 'in archive\nin archive\nin archive\nserved /files/remote.txt\nserved /files/remote.txt\n600 1445412480\n644 1445412480\n');
      assert.equal(await runIn(d, 'corpus/add', 'cat /trap/inner/file.txt'), 'in archive\n');
    } finally {
      server?.close();
      c.remove();
    }
  });
});
