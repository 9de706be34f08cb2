import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../../src/build/dockerfile/parse-dockerfile.js';
import { type PlanOptions, planBuild, unusedBuildArgs } from '../../../../src/build/dockerfile/plan-stages.js';
import { StageScope } from '../../../../src/build/dockerfile/stage-scope.js';
import { DockerfileError, ExpansionError } from '../../../../src/build/dockerfile/errors.js';
import type { Instruction } from '../../../../src/build/dockerfile/instructions.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };
const ARM64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };

/** Walks one stage (and the stages it is based on) and returns its expanded instructions. */
function expandStage(src: string, stage: number, opts: PlanOptions = {}, imageEnv: string[] = []): { steps: Instruction[]; scope: StageScope } {
  const plan = planBuild(parseDockerfile(src), { buildPlatform: AMD64, ...opts });
  const scopes = new Map<number, StageScope>();
  const walk = (i: number): { steps: Instruction[]; scope: StageScope } => {
    const p = plan.stages[i]!;
    const parent = p.base.kind === 'stage' ? walk(p.base.index).scope : undefined;
    const scope = new StageScope(plan, i, parent ? { parent } : { imageEnv });
    const steps = p.stage.instructions.map((ins) => scope.expand(ins));
    scopes.set(i, scope);
    return { steps, scope };
  };
  return walk(stage);
}

function valueOf(step: Instruction | undefined): unknown {
  switch (step?.kind) {
    case 'WORKDIR':
      return step.path;
    case 'USER':
      return step.user;
    case 'ENV':
    case 'LABEL':
      return step.pairs.map((p) => `${p.key}=${p.value}`);
    case 'COPY':
    case 'ADD':
      return [...step.sources, step.dest];
    case 'EXPOSE':
      return step.ports;
    case 'VOLUME':
      return step.volumes;
    case 'STOPSIGNAL':
      return step.signal;
    case 'RUN':
      return step.command;
    case 'ARG':
      return step.args.map((a) => `${a.key}=${a.value ?? '<unset>'}`);
    default:
      return undefined;
  }
}

// [Dockerfile, build args, expected value of the last step of the last stage]
const SCOPE_CASES: [string, Record<string, string>, unknown][] = [
  // A global ARG is usable in FROM only…
  ['ARG V=1\nFROM scratch\nWORKDIR /v$V', {}, '/v'],
  // …unless re-declared without a value inside the stage.
  ['ARG V=1\nFROM scratch\nARG V\nWORKDIR /v$V', {}, '/v1'],
  ['ARG V=1\nFROM scratch\nARG V\nWORKDIR /v$V', { V: '2' }, '/v2'],
  // A stage ARG with its own default; the build arg wins over it.
  ['FROM scratch\nARG V=3\nWORKDIR /v$V', {}, '/v3'],
  ['FROM scratch\nARG V=3\nWORKDIR /v$V', { V: '4' }, '/v4'],
  // Before its ARG line a variable is not defined.
  ['FROM scratch\nUSER ${u:-some_user}', { u: 'what_user' }, 'some_user'],
  ['FROM scratch\nARG u\nUSER ${u:-some_user}', { u: 'what_user' }, 'what_user'],
  ['FROM scratch\nARG u\nUSER ${u:-some_user}', {}, 'some_user'],
  // ENV after ARG overrides it, even with a build arg.
  ['FROM scratch\nARG CONT_IMG_VER\nENV CONT_IMG_VER=v1.0.0\nWORKDIR /$CONT_IMG_VER', { CONT_IMG_VER: 'v2.0.1' }, '/v1.0.0'],
  ['FROM scratch\nARG CONT_IMG_VER\nENV CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}\nWORKDIR /$CONT_IMG_VER', { CONT_IMG_VER: 'v2.0.1' }, '/v2.0.1'],
  ['FROM scratch\nARG CONT_IMG_VER\nENV CONT_IMG_VER=${CONT_IMG_VER:-v1.0.0}\nWORKDIR /$CONT_IMG_VER', {}, '/v1.0.0'],
  // All pairs of one ENV line see the values from before it.
  ['FROM scratch\nENV A=1\nENV A=2 B=$A\nLABEL b=$B', {}, ['b=1']],
  // An ARG default can use earlier variables, including earlier args of the same line.
  ['FROM scratch\nARG A=x B=${A}y\nLABEL b=$B', {}, ['b=xy']],
  // Platform ARGs: global scope only, until declared.
  ['FROM scratch\nWORKDIR /$TARGETARCH', {}, '/'],
  ['FROM scratch\nARG TARGETARCH\nARG TARGETPLATFORM\nWORKDIR /$TARGETPLATFORM/$TARGETARCH', {}, '/linux/arm64/v8/arm64'],
  ['FROM scratch\nARG BUILDPLATFORM\nWORKDIR /$BUILDPLATFORM', {}, '/linux/amd64'],
  ['FROM scratch\nARG TARGETOS TARGETARCH TARGETVARIANT\nARG X=${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-$TARGETVARIANT}', {}, ['X=linux-arm64-v8']],
  // Stages based on a stage inherit its ARGs and ENVs; unrelated stages do not.
  ['FROM scratch AS base\nARG V=1\nENV E=2\nFROM base\nWORKDIR /$V/$E', {}, '/1/2'],
  ['FROM scratch AS base\nARG V=1\nENV E=2\nFROM scratch\nWORKDIR /$V/$E', {}, '//'],
  // Expanded instructions and their forms.
  ['FROM scratch\nENV D=/data P=8080\nVOLUME $D ${D}2', {}, ['/data', '/data2']],
  ['FROM scratch\nENV P="80 443"\nEXPOSE $P 9000/udp', {}, ['80', '443', '9000/udp']],
  ['FROM scratch\nENV SRC=app\nCOPY $SRC/*.js ${SRC}/package.json /srv/$SRC/', {}, ['app/*.js', 'app/package.json', '/srv/app/']],
  ['FROM scratch\nENV S=TERM\nSTOPSIGNAL SIG$S', {}, 'SIGTERM'],
  ['FROM scratch\nENV N=x\nLABEL "key $N"="value $N"', {}, ['key x=value x']],
  // RUN is not expanded by the builder.
  ['FROM scratch\nENV N=x\nRUN echo $N ${N}', {}, ['echo $N ${N}']],
  // Quotes in ENV values are removed by the expansion.
  ['FROM scratch\nENV MSG="hello world" Q=\'$NOT\'\nLABEL m=$MSG q=$Q', {}, ['m=hello world', 'q=$NOT']],
];

test('ARG scoping and expansion', () => {
  for (const [src, buildArgs, want] of SCOPE_CASES) {
    const df = parseDockerfile(src);
    const { steps } = expandStage(src, df.stages.length - 1, { buildArgs, targetPlatform: ARM64 });
    assert.deepEqual(valueOf(steps[steps.length - 1]), want, `${JSON.stringify(src)} with ${JSON.stringify(buildArgs)}`);
  }
});

test('FROM is expanded with the global scope; stage references resolve', () => {
  const src = [
    'ARG GO_VERSION=1.22',
    'ARG DISTRO',
    'FROM golang:${GO_VERSION}-${DISTRO:-alpine} AS build',
    'FROM --platform=$BUILDPLATFORM node:20 AS web',
    'FROM build AS test',
    'FROM scratch',
    'COPY --from=build /out /',
  ].join('\n');
  const plan = planBuild(parseDockerfile(src), { buildArgs: { GO_VERSION: '1.23' }, buildPlatform: AMD64, targetPlatform: ARM64 });
  assert.deepEqual(plan.stages.map((s) => s.baseName), ['golang:1.23-alpine', 'node:20', 'build', 'scratch']);
  assert.deepEqual(plan.stages.map((s) => s.base), [
    { kind: 'image', ref: 'golang:1.23-alpine' },
    { kind: 'image', ref: 'node:20' },
    { kind: 'stage', index: 0 },
    { kind: 'scratch' },
  ]);
  assert.deepEqual(plan.stages[1]!.platform, AMD64);
  assert.deepEqual(plan.stages.map((s) => s.displayName), ['build', 'web', 'test', 'stage-3']);
  assert.equal(plan.globalArgs.get('TARGETPLATFORM'), 'linux/arm64/v8');
  assert.equal(plan.globalArgs.get('BUILDARCH'), 'amd64');
  assert.equal(plan.globalArgs.has('DISTRO'), false);
});

test('stage graph and the stages a --target needs', () => {
  const src = [
    'FROM alpine AS deps', // 0
    'RUN apk add make',
    'FROM deps AS build', // 1
    'RUN --mount=type=bind,from=assets,target=/a make',
    'FROM node AS assets', // 2
    'FROM alpine AS lint', // 3 (unused by the default target)
    'COPY --from=busybox:1.36 /bin/busybox /bin/',
    'FROM scratch AS final', // 4
    'COPY --from=build /out /app',
    'COPY --from=0 /etc/os-release /',
  ].join('\n');
  const df = parseDockerfile(src);
  const plan = planBuild(df, { buildPlatform: AMD64 });
  assert.equal(plan.target, 4);
  assert.deepEqual(plan.order, [0, 2, 1, 4]);
  assert.deepEqual(plan.stages[1]!.dependencies.map((d) => [d.stage, d.via]), [[0, 'from'], [2, 'mount']]);
  assert.deepEqual(plan.stages[3]!.dependencies.map((d) => [d.image, d.via]), [['busybox:1.36', 'copy']]);
  assert.deepEqual(planBuild(df, { target: 'lint' }).order, [3]);
  assert.deepEqual(planBuild(df, { target: 'BUILD' }).order, [0, 2, 1]);
  assert.throws(() => planBuild(df, { target: 'buld' }), { message: 'target stage "buld" could not be found (did you mean build?)' });
});

test('stage graph errors', () => {
  const cases: [string, RegExp][] = [
    ['FROM a AS x\nCOPY --from=y / /\nFROM b AS y\nCOPY --from=x / /', /circular dependency detected on stage: x/],
    ['FROM a AS x\nCOPY --from=x / /', /circular dependency detected on stage: x/],
    ['FROM a\nCOPY --from=5 / /', /invalid stage index 5/],
    ['FROM a\nCOPY --from=$X / /', /variable expansion is not supported for --from/],
    ['ARG B\nFROM $B', /base name \(\$B\) should not be blank/],
    ['FROM --platform=$NOPE a', /empty platform value from expression \$NOPE/],
    ['FROM ${X:?need_X}', /X: need_X/],
    ['ARG X\n', /dockerfile contains no stages to build/],
  ];
  for (const [src, re] of cases) assert.throws(() => planBuild(parseDockerfile(src)), (e: unknown) => e instanceof DockerfileError && re.test(e.message), src);
  // A mount's from= cannot use variables (BuildKit refuses it at parse time).
  assert.throws(() => parseDockerfile('FROM a\nRUN --mount=from=$X true'), /doesn't support variable expansion/);
});

test('RUN --mount values are expanded and then checked strictly', () => {
  const { steps } = expandStage('FROM scratch\nARG CACHE=/root/.cache\nRUN --mount=type=cache,target=$CACHE,id=${CACHE}-x,mode=0700,uid=1000 true', 0);
  const run = steps[1];
  assert.ok(run?.kind === 'RUN');
  assert.deepEqual(run.mounts[0], { type: 'cache', target: '/root/.cache', id: '/root/.cache-x', mode: 0o700, uid: 1000, readOnly: false, required: false });
  const bad: [string, RegExp][] = [
    ['RUN --mount=type=nfs,target=/x true', /unsupported mount type "nfs"/],
    ['RUN --mount=type=bind,target=/x,mode=0600 true', /mode not allowed for "bind" type mounts/],
    ['RUN --mount=type=secret true', /invalid secret mount. one of source, target required/],
    ['RUN --mount=type=bind,sharing=locked,target=/x true', /invalid cache sharing set for bind mount/],
    ['RUN --mount=type=cache,sharing=sometimes,target=/x true', /unsupported sharing value "sometimes"/],
    ['RUN --mount=type=cache,targte=/x true', /unexpected key 'targte' in 'targte=\/x' \(did you mean target\?\)/],
    ['RUN --mount=type=bind,required true', /unexpected key 'required' for mount type 'bind'/],
  ];
  for (const [line, re] of bad) {
    assert.throws(() => expandStage(`FROM scratch\n${line}`, 0), (e: unknown) => e instanceof ExpansionError && re.test(e.message) && e.line === 2, line);
  }
});

test('heredoc bodies: expanded unless the delimiter is quoted', () => {
  const { steps } = expandStage('FROM scratch\nENV WHO=you\nCOPY <<EOF <<"RAW" /dst/\nhi $WHO "q"\nEOF\nhi $WHO\nRAW', 0);
  const copy = steps[1];
  assert.ok(copy?.kind === 'COPY');
  assert.deepEqual(copy.inlineSources.map((s) => s.data), ['hi you "q"\n', 'hi $WHO\n']);
});

test('expansion errors carry the step location', () => {
  assert.throws(
    () => expandStage('FROM scratch\nRUN true\nWORKDIR ${NOPE:?must be set}', 0),
    (e: unknown) => e instanceof ExpansionError && e.line === 3 && /NOPE: must be set/.test(e.message),
  );
});

test('RUN environment and history line', () => {
  const { scope } = expandStage('FROM scratch\nARG A=1\nARG B\nENV A=2\nENV PATH=/bin', 0, { buildArgs: { B: 'b', HTTP_PROXY: 'http://p:3128' } }, ['HOME=/root']);
  assert.deepEqual(scope.runEnvironment().sort(), ['A=2', 'B=b', 'HOME=/root', 'HTTP_PROXY=http://p:3128', 'PATH=/bin']);
  assert.equal(scope.runCommandString(['/bin/sh', '-c', 'make']), '|2 A=2 B=b /bin/sh -c make');
  assert.deepEqual([...scope.configEnv], [['HOME', '/root'], ['A', '2'], ['PATH', '/bin']]);
});

test('unused build args are reported; predefined ones are not', () => {
  const plan = planBuild(parseDockerfile('ARG USED\nFROM scratch\nARG ALSO'), { buildArgs: { USED: '1', ALSO: '2', EXTRA: '3', HTTPS_PROXY: 'x' } });
  assert.deepEqual(unusedBuildArgs(plan), ['EXTRA']);
});
