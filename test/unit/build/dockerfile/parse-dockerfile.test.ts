import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../../src/build/dockerfile/parse-dockerfile.js';
import { DockerfileParseError, formatErrorExcerpt } from '../../../../src/build/dockerfile/errors.js';
import type { Instruction } from '../../../../src/build/dockerfile/instructions.js';

/** The instructions of the only stage of `FROM scratch\n<body>`. */
function body(text: string): Instruction[] {
  const df = parseDockerfile(`FROM scratch\n${text}\n`);
  return df.stages[0]!.instructions;
}

function one(text: string): Instruction {
  const list = body(text);
  assert.equal(list.length, 1, `expected one instruction from ${JSON.stringify(text)}`);
  return list[0]!;
}

// Each instruction in its forms: [source, fields the typed instruction must have].
const INSTRUCTION_CASES: [string, Record<string, unknown>][] = [
  ['RUN echo hi', { kind: 'RUN', command: ['echo hi'], prependShell: true, network: 'default', security: 'sandbox' }],
  ['run  echo   hi  ', { kind: 'RUN', keyword: 'run', command: ['echo   hi'] }],
  ['RUN ["echo", "hi there"]', { kind: 'RUN', command: ['echo', 'hi there'], prependShell: false }],
  ['RUN [ "a" , "b" ]', { kind: 'RUN', command: ['a', 'b'], prependShell: false }],
  ['RUN [not json', { kind: 'RUN', command: ['[not json'], prependShell: true }],
  ['RUN --network=none --security=insecure true', { kind: 'RUN', network: 'none', security: 'insecure', command: ['true'] }],
  ['RUN --network=host true', { kind: 'RUN', network: 'host' }],
  ['CMD ["nginx", "-g", "daemon off;"]', { kind: 'CMD', command: ['nginx', '-g', 'daemon off;'], prependShell: false }],
  ['CMD nginx -g "daemon off;"', { kind: 'CMD', command: ['nginx -g "daemon off;"'], prependShell: true }],
  ['CMD []', { kind: 'CMD', command: [], prependShell: false }],
  ['ENTRYPOINT ["/docker-entrypoint.sh"]', { kind: 'ENTRYPOINT', command: ['/docker-entrypoint.sh'], prependShell: false }],
  ['ENTRYPOINT exec top -b', { kind: 'ENTRYPOINT', command: ['exec top -b'], prependShell: true }],
  ['SHELL ["/bin/bash", "-o", "pipefail", "-c"]', { kind: 'SHELL', shell: ['/bin/bash', '-o', 'pipefail', '-c'] }],
  ['WORKDIR /app', { kind: 'WORKDIR', path: '/app' }],
  ['WORKDIR /path with spaces', { kind: 'WORKDIR', path: '/path with spaces' }],
  ['USER app:app', { kind: 'USER', user: 'app:app' }],
  ['STOPSIGNAL SIGQUIT', { kind: 'STOPSIGNAL', signal: 'SIGQUIT' }],
  ['MAINTAINER Jane <jane@example.com>', { kind: 'MAINTAINER', maintainer: 'Jane <jane@example.com>' }],
  ['EXPOSE 8080 80/tcp 53/udp', { kind: 'EXPOSE', ports: ['53/udp', '80/tcp', '8080'] }],
  ['VOLUME /data /logs', { kind: 'VOLUME', volumes: ['/data', '/logs'] }],
  ['VOLUME ["/data", "/var/lib/x"]', { kind: 'VOLUME', volumes: ['/data', '/var/lib/x'] }],
  ['ENV A=1', { kind: 'ENV', pairs: [{ key: 'A', value: '1', noDelim: false }] }],
  ['ENV A=1 B="two words" C=a\\ b', {
    kind: 'ENV',
    pairs: [
      { key: 'A', value: '1', noDelim: false },
      { key: 'B', value: '"two words"', noDelim: false },
      { key: 'C', value: 'a\\ b', noDelim: false },
    ],
  }],
  ['ENV PATH /usr/local/bin:$PATH', { kind: 'ENV', pairs: [{ key: 'PATH', value: '/usr/local/bin:$PATH', noDelim: true }] }],
  ['ENV MSG hello world', { kind: 'ENV', pairs: [{ key: 'MSG', value: 'hello world', noDelim: true }] }],
  ['LABEL org.opencontainers.image.title="My app" version=1.0', {
    kind: 'LABEL',
    pairs: [
      { key: 'org.opencontainers.image.title', value: '"My app"', noDelim: false },
      { key: 'version', value: '1.0', noDelim: false },
    ],
  }],
  ['ARG VERSION', { kind: 'ARG', args: [{ key: 'VERSION' }] }],
  ['ARG VERSION=1.2 OTHER= THIRD="a b"', { kind: 'ARG', args: [{ key: 'VERSION', value: '1.2' }, { key: 'OTHER', value: '' }, { key: 'THIRD', value: '"a b"' }] }],
  ['COPY a.txt /dst/', { kind: 'COPY', sources: ['a.txt'], dest: '/dst/', link: false, parents: false, json: false }],
  ['COPY a b c /dst/', { kind: 'COPY', sources: ['a', 'b', 'c'], dest: '/dst/' }],
  ['COPY ["with space.txt", "/dst dir/"]', { kind: 'COPY', sources: ['with space.txt'], dest: '/dst dir/', json: true }],
  ['COPY --from=builder --chown=app:app --chmod=0755 --link /out/app /usr/bin/app', {
    kind: 'COPY', from: 'builder', chown: 'app:app', chmod: '0755', link: true, sources: ['/out/app'], dest: '/usr/bin/app',
  }],
  ['COPY --link=false --parents --exclude=*.md --exclude=tmp . /src', {
    kind: 'COPY', link: false, parents: true, excludes: ['*.md', 'tmp'], sources: ['.'], dest: '/src',
  }],
  ['COPY -- --weird /x', { kind: 'COPY', sources: ['--weird'], dest: '/x' }],
  ['ADD https://example.com/a.tgz /opt/', { kind: 'ADD', sources: ['https://example.com/a.tgz'], dest: '/opt/' }],
  ['ADD --checksum=sha256:abc --keep-git-dir=true --unpack=false src /x', { kind: 'ADD', checksum: 'sha256:abc', keepGitDir: true, unpack: false }],
  ['HEALTHCHECK NONE', { kind: 'HEALTHCHECK', health: { test: ['NONE'], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 } }],
  ['HEALTHCHECK --interval=30s --timeout=3s --start-period=1m --start-interval=500ms --retries=3 CMD curl -f http://localhost/ || exit 1', {
    kind: 'HEALTHCHECK',
    health: {
      test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
      interval: 30e9, timeout: 3e9, startPeriod: 60e9, startInterval: 5e8, retries: 3,
    },
  }],
  ['HEALTHCHECK CMD ["/bin/check", "--quick"]', { kind: 'HEALTHCHECK', health: { test: ['CMD', '/bin/check', '--quick'], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 } }],
  ['healthcheck --interval=1h2m3.5s cmd true', { kind: 'HEALTHCHECK', health: { test: ['CMD-SHELL', 'true'], interval: 3723.5e9, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 } }],
  ['ONBUILD RUN make install', { kind: 'ONBUILD', expression: 'RUN make install' }],
  ['onbuild copy --chown=1:1 . /app', { kind: 'ONBUILD', expression: 'copy --chown=1:1 . /app' }],
];

test('parser: every instruction and its forms', () => {
  for (const [src, want] of INSTRUCTION_CASES) {
    const got = one(src) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${src}: field ${k}`);
    assert.equal(got.original, src.trim(), `${src}: original`);
  }
});

test('parser: ONBUILD trigger is parsed as an instruction', () => {
  const ob = one('ONBUILD COPY --from=x a /b');
  assert.equal(ob.kind, 'ONBUILD');
  if (ob.kind !== 'ONBUILD') return;
  assert.equal(ob.trigger.kind, 'COPY');
  if (ob.trigger.kind === 'COPY') assert.equal(ob.trigger.from, 'x');
});

test('parser: RUN --mount options', () => {
  const run = one('RUN --mount=type=cache,target=/root/.cache/go-build,id=gobuild,sharing=locked --mount=type=bind,from=src,source=/x,target=/y,rw --mount=type=secret,id=npmrc,target=/root/.npmrc,required --mount=type=tmpfs,target=/tmp,size=64m --mount=type=ssh go build ./...');
  assert.equal(run.kind, 'RUN');
  if (run.kind !== 'RUN') return;
  assert.equal(run.mounts.length, 5);
  assert.deepEqual(run.mounts[0], { type: 'cache', target: '/root/.cache/go-build', id: 'gobuild', sharing: 'locked', readOnly: false, required: false });
  assert.deepEqual(run.mounts[1], { type: 'bind', from: 'src', source: '/x', target: '/y', readOnly: false, required: false });
  assert.deepEqual(run.mounts[2], { type: 'secret', id: 'npmrc', target: '/root/.npmrc', readOnly: true, required: true });
  assert.deepEqual(run.mounts[3], { type: 'tmpfs', target: '/tmp', sizeLimit: 64 * 1024 * 1024, readOnly: false, required: false });
  assert.equal(run.mounts[4]!.type, 'ssh');
  assert.deepEqual(run.command, ['go build ./...']);
});

test('parser: directives, comments, escape token', () => {
  const df = parseDockerfile('# syntax=docker/dockerfile:1.7\n# check=skip=all\n#escape=`\nFROM scratch\nRUN echo a `\n  b\nCOPY C:\\x C:\\y\n');
  assert.deepEqual(df.directives.map((d) => [d.name, d.value, d.line]), [['syntax', 'docker/dockerfile:1.7', 1], ['check', 'skip=all', 2], ['escape', '`', 3]]);
  assert.equal(df.escapeToken, '`');
  const [run, copy] = df.stages[0]!.instructions;
  assert.deepEqual(run && run.kind === 'RUN' && run.command, ['echo a   b']);
  assert.deepEqual(copy && copy.kind === 'COPY' && copy.sources, ['C:\\x']);

  // A directive after a comment, a blank line or an instruction is just a comment.
  for (const src of ['# hello\n# escape=`\nFROM scratch\nRUN a \\\n b\n', '\n# escape=`\nFROM scratch\nRUN a \\\n b\n', 'FROM scratch\n# escape=`\nRUN a \\\n b\n']) {
    const d = parseDockerfile(src);
    assert.equal(d.escapeToken, '\\', src);
    assert.deepEqual(d.directives.filter((x) => x.name === 'escape'), []);
  }
  // Unknown directive-looking comments end the directive block quietly.
  assert.deepEqual(parseDockerfile('# foo=bar\n# syntax=x\nFROM a\n').directives, []);
  assert.throws(() => parseDockerfile('# escape=x\nFROM a\n'), /invalid escape token 'x' does not match ` or \\/);
  assert.throws(() => parseDockerfile('# syntax=a\n# syntax=b\nFROM a\n'), /only one syntax parser directive can be used/);
  // A UTF-8 BOM is ignored.
  assert.equal(parseDockerfile('\uFEFF# escape=`\nFROM a\n').escapeToken, '`');
});

test('parser: line continuations', () => {
  const cases: [string, string][] = [
    ['RUN a \\\n b', 'a  b'],
    ['RUN a \\  \n b', 'a  b'], // blanks after the escape
    ['RUN a \\\n# a comment in the middle\n b', 'a  b'],
    ['RUN a \\\n   # indented comment\n b', 'a  b'],
    ['RUN a \\\n\n b', 'a  b'], // empty continuation line (warned about)
    ['RUN a \\\n b \\\n c', 'a  b  c'],
    ['RUN a\\\\', 'a\\\\'], // an escaped escape does not continue
    ['RUN a \\', 'a'], // continuation at end of file
    ['RUN a \\\r\n b', 'a  b'], // CRLF
  ];
  for (const [src, want] of cases) {
    const r = one(src);
    assert.deepEqual(r.kind === 'RUN' && r.command, [want], JSON.stringify(src));
  }
  const df = parseDockerfile('FROM scratch\nRUN a \\\n\n b\n');
  assert.equal(df.warnings.length, 1);
  assert.match(df.warnings[0]!, /Empty continuation line/);
  assert.deepEqual(df.stages[0]!.instructions[0]!.location, { startLine: 2, endLine: 4 });
});

test('parser: heredocs', () => {
  const list = body([
    'RUN <<EOF',
    'apt-get update',
    'apt-get install -y curl',
    'EOF',
    'RUN <<-EOT bash -ex',
    '\techo $HOME',
    '\t\techo indented',
    '\tEOT',
    'RUN python3 <<"PY"',
    'print("$not_expanded")',
    'PY',
    'RUN <<A cat /dev/stdin && 3<<B cat /dev/fd/3',
    'first',
    'A',
    'second',
    'B',
    'COPY <<EOF /etc/motd',
    'Welcome $USER',
    'EOF',
    'COPY <<one <<two /dst/',
    '1',
    'one',
    '2',
    'two',
    'COPY <<-\'X\' /literal',
    '\t$KEEP',
    'X',
    'RUN ["sh", "-c", "cat <<EOF"]',
    'ONBUILD RUN <<EOF',
    'echo later',
    'EOF',
  ].join('\n'));
  const [r1, r2, r3, r4, c1, c2, c3, r5, ob] = list;
  assert.ok(r1?.kind === 'RUN' && r2?.kind === 'RUN' && r3?.kind === 'RUN' && r4?.kind === 'RUN' && r5?.kind === 'RUN');
  assert.ok(c1?.kind === 'COPY' && c2?.kind === 'COPY' && c3?.kind === 'COPY' && ob?.kind === 'ONBUILD');
  assert.deepEqual(r1.heredocs, [{ name: 'EOF', fileDescriptor: 0, expand: true, chomp: false, content: 'apt-get update\napt-get install -y curl\n' }]);
  assert.deepEqual(r1.command, ['<<EOF']);
  assert.deepEqual(r1.location, { startLine: 2, endLine: 5 });
  assert.deepEqual(r2.heredocs[0], { name: 'EOT', fileDescriptor: 0, expand: true, chomp: true, content: '\techo $HOME\n\t\techo indented\n' });
  assert.equal(r3.heredocs[0]!.expand, false);
  assert.equal(r3.heredocs[0]!.content, 'print("$not_expanded")\n');
  assert.deepEqual(r4.heredocs.map((h) => [h.name, h.fileDescriptor, h.content]), [['A', 0, 'first\n'], ['B', 3, 'second\n']]);
  assert.deepEqual(c1.inlineSources, [{ path: 'EOF', data: 'Welcome $USER\n', expand: true }]);
  assert.deepEqual(c1.sources, []);
  assert.equal(c1.dest, '/etc/motd');
  assert.deepEqual(c2.inlineSources.map((s) => [s.path, s.data]), [['one', '1\n'], ['two', '2\n']]);
  assert.deepEqual(c3.inlineSources, [{ path: 'X', data: '$KEEP\n', expand: false }]);
  assert.deepEqual(r5.heredocs, []); // exec form has no heredocs
  assert.equal(ob.expression, 'RUN <<EOF\necho later\nEOF');
  assert.throws(() => parseDockerfile('FROM a\nRUN <<EOF\nno end\n'), (e: unknown) => e instanceof DockerfileParseError && /unterminated heredoc/.test(e.message) && e.line === 2);
  assert.throws(() => parseDockerfile('FROM a\nCOPY x <<EOF\nEOF\n'), /COPY cannot accept a heredoc as a destination/);
});

// [Dockerfile, line, message] — docker's wording.
const ERROR_CASES: [string, number, RegExp][] = [
  ['FROM a\nBOGUS bar\n', 2, /^dockerfile parse error on line 2: unknown instruction: BOGUS$/],
  ['FROM a\nFOO bar\n', 2, /^dockerfile parse error on line 2: unknown instruction: FOO \(did you mean FROM\?\)$/],
  ['FROM a\nRUNN x\n', 2, /unknown instruction: RUNN \(did you mean RUN\?\)/],
  ['FROM a\ncopyy a b\n', 2, /unknown instruction: copyy \(did you mean copy\?\)/],
  ['FROM a\nCOPY --bogus=bar a b\n', 2, /unknown flag: --bogus$/],
  ['FROM a\nCOPY --form=x a b\n', 2, /unknown flag: --form \(did you mean from\?\)/],
  ['FROM a\nCOPY --from a b\n', 2, /missing a value on flag: --from/],
  ['FROM a\nCOPY --link=maybe a b\n', 2, /expecting boolean value for flag --link, not: maybe/],
  ['FROM a\nCOPY --from=x --from=y a b\n', 2, /duplicate flag specified: --from/],
  ['FROM a\nCOPY onlyone\n', 2, /COPY requires at least two arguments/],
  ['FROM a\nADD x\n', 2, /ADD requires at least two arguments/],
  ['FROM a\nRUN --network=bridge x\n', 2, /invalid network mode "bridge"/],
  ['FROM a\nRUN --security=weird x\n', 2, /security "weird" is not valid/],
  ['FROM a\nWORKDIR\n', 2, /WORKDIR requires exactly one argument/],
  ['FROM a\nUSER\n', 2, /USER requires exactly one argument/],
  ['FROM a\nEXPOSE\n', 2, /EXPOSE requires at least one argument/],
  ['FROM a\nVOLUME\n', 2, /VOLUME requires at least one argument/],
  ['FROM a\nENV\n', 2, /ENV requires at least one argument/],
  ['FROM a\nENV ONLY\n', 2, /ENV must have two arguments/],
  ['FROM a\nENV A=1 B\n', 2, /Syntax error - can't find = in "B". Must be of the form: name=value/],
  ['FROM a\nLABEL\n', 2, /LABEL requires at least one argument/],
  ['FROM a\nARG\n', 2, /ARG requires at least one argument/],
  ['FROM a\nARG =x\n', 2, /ARG names can not be blank/],
  ['FROM a\nSHELL /bin/sh -c\n', 2, /SHELL requires the arguments to be in JSON form/],
  ['FROM a\nCMD ["a", 1]\n', 2, /arrays must be comprised of strings only/],
  ['FROM a\nHEALTHCHECK\n', 2, /HEALTHCHECK requires at least one argument/],
  ['FROM a\nHEALTHCHECK CMD\n', 2, /Missing command after HEALTHCHECK CMD/],
  ['FROM a\nHEALTHCHECK NONE x\n', 2, /HEALTHCHECK NONE takes no arguments/],
  ['FROM a\nHEALTHCHECK PING x\n', 2, /Unknown type "PING" in HEALTHCHECK \(try CMD\)/],
  ['FROM a\nHEALTHCHECK --interval=10 CMD x\n', 2, /time: missing unit in duration "10"/],
  ['FROM a\nHEALTHCHECK --interval=10us CMD x\n', 2, /Interval "interval" cannot be less than 1ms/],
  ['FROM a\nHEALTHCHECK --retries=-1 CMD x\n', 2, /--retries cannot be negative \(-1\)/],
  ['FROM a\nHEALTHCHECK --bogus=1 CMD x\n', 2, /unknown flag: --bogus/],
  ['FROM a\nONBUILD ONBUILD RUN x\n', 2, /Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed/],
  ['FROM a\nONBUILD FROM b\n', 2, /FROM isn't allowed as an ONBUILD trigger/],
  ['FROM a\nONBUILD MAINTAINER me\n', 2, /MAINTAINER isn't allowed as an ONBUILD trigger/],
  ['FROM a b\n', 1, /FROM requires either one or three arguments/],
  ['FROM a AS 1st\n', 1, /invalid name for build stage: "1st", name can't start with a number or contain symbols/],
  ['FROM --plaform=x a\n', 1, /unknown flag: --plaform \(did you mean platform\?\)/],
  ['RUN x\nFROM a\n', 1, /no build stage in current context/],
  ['\n\n# only comments\n', 3, /file with no instructions/],
  ['FROM a\nRUN --mount=type=secret,from=x,id=y true\n', 2, /./], // checked at expansion; parse succeeds (see below)
];

test('parser: errors name the line and read like docker', () => {
  for (const [src, line, re] of ERROR_CASES) {
    if (src.includes('type=secret,from')) continue;
    assert.throws(() => parseDockerfile(src, { file: 'app/Dockerfile' }), (err: unknown) => {
      assert.ok(err instanceof DockerfileParseError, `${JSON.stringify(src)} threw ${err}`);
      assert.equal(err.line, line, JSON.stringify(src));
      assert.equal(err.file, 'app/Dockerfile');
      assert.match(err.message, re);
      return true;
    });
  }
});

test('parser: error excerpt in docker style', () => {
  const src = 'FROM alpine\nRUN true\nFOO bar\nRUN false\n';
  try {
    parseDockerfile(src);
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof DockerfileParseError);
    const text = formatErrorExcerpt(err, src);
    assert.equal(text.split('\n')[0], 'Dockerfile:3');
    assert.match(text, /3 \| >>> FOO bar/);
    assert.match(text, /2 \|     RUN true/);
  }
});

test('parser: stages, names, meta ARGs, locations', () => {
  const df = parseDockerfile([
    'ARG BASE=alpine:3.20',
    'ARG TAG',
    'FROM --platform=$BUILDPLATFORM ${BASE} AS Build',
    'RUN make',
    '',
    'from scratch as FINAL',
    'COPY --from=build /out /',
  ].join('\n'));
  assert.deepEqual(df.metaArgs.map((a) => a.args), [[{ key: 'BASE', value: 'alpine:3.20' }], [{ key: 'TAG' }]]);
  assert.equal(df.stages.length, 2);
  const [build, final] = df.stages;
  assert.deepEqual([build!.index, build!.name, build!.baseName, build!.platform], [0, 'build', '${BASE}', '$BUILDPLATFORM']);
  assert.deepEqual([final!.index, final!.name, final!.baseName, final!.platform], [1, 'final', 'scratch', undefined]);
  assert.deepEqual(final!.location, { startLine: 6, endLine: 6 });
  assert.equal(final!.from.keyword, 'from');
  assert.equal(build!.instructions[0]!.original, 'RUN make');
});

test('parser: flags and quotes inside flags', () => {
  const c = one('COPY --chown="app user:staff" --from=\'x\' a b');
  assert.ok(c.kind === 'COPY');
  assert.equal(c.chown, 'app user:staff');
  assert.equal(c.from, 'x');
  // ARG and STOPSIGNAL ignore flags, as BuildKit does.
  assert.equal(one('STOPSIGNAL --x=1 SIGTERM').kind, 'STOPSIGNAL');
  // JSON-ish text that is not valid JSON falls back to the shell form.
  const r = one('RUN ["unterminated"');
  assert.ok(r.kind === 'RUN' && r.prependShell);
});
