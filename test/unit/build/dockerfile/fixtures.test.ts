import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile } from '../../../../src/build/dockerfile/parse-dockerfile.js';
import { planBuild } from '../../../../src/build/dockerfile/plan-stages.js';
import { StageScope } from '../../../../src/build/dockerfile/stage-scope.js';
import type { Dockerfile, Instruction } from '../../../../src/build/dockerfile/instructions.js';
import { TEST_SOURCES } from '../../../support/repo-paths.js';

// Fixtures live in the source tree beside this test (compiled tests run from dist/).
const FIXTURES = join(TEST_SOURCES, 'unit/build/dockerfile/fixtures/');
const AMD64 = { os: 'linux', architecture: 'amd64' };

function load(name: string): Dockerfile {
  return parseDockerfile(readFileSync(FIXTURES + name), { file: name });
}

/** Walks the stages the target needs, expanding every step. */
function walk(df: Dockerfile, opts: Parameters<typeof planBuild>[1] = {}): Map<number, Instruction[]> {
  const plan = planBuild(df, { buildPlatform: AMD64, ...opts });
  const scopes = new Map<number, StageScope>();
  const out = new Map<number, Instruction[]>();
  for (const i of plan.order) {
    const p = plan.stages[i]!;
    const scope = new StageScope(plan, i, p.base.kind === 'stage' ? { parent: scopes.get(p.base.index)! } : { imageEnv: ['PATH=/usr/bin:/bin'] });
    out.set(i, p.stage.instructions.map((ins) => scope.expand(ins)));
    scopes.set(i, scope);
  }
  return out;
}

test('fixtures: every file parses, plans and expands', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.Dockerfile'));
  assert.ok(files.length >= 5);
  for (const f of files) {
    const df = load(f);
    assert.ok(df.stages.length > 0, f);
    for (const s of df.stages) for (const ins of s.instructions) assert.ok(ins.location.startLine >= 1 && ins.original.length > 0, f);
    walk(df, { buildArgs: {} });
  }
});

test('fixture: Go multi-stage build', () => {
  const df = load('go-multistage.Dockerfile');
  assert.deepEqual(df.directives.map((d) => d.value), ['docker/dockerfile:1.7']);
  const plan = planBuild(df, { buildPlatform: AMD64, targetPlatform: { os: 'linux', architecture: 'arm64' } });
  assert.deepEqual(plan.stages.map((s) => s.baseName), ['golang:1.22-alpine3.20', 'build', 'alpine:3.20']);
  assert.deepEqual(plan.stages[0]!.platform, AMD64);
  assert.deepEqual(plan.order, [0, 2]); // the test stage is skipped
  assert.deepEqual(planBuild(df, { target: 'test' }).order, [0, 1]);
  const steps = walk(df, { targetPlatform: { os: 'linux', architecture: 'arm64' } }).get(0)!;
  const run = steps.filter((s) => s.kind === 'RUN')[1];
  assert.ok(run?.kind === 'RUN');
  assert.equal(run.mounts[1]!.id, 'gobuild-arm64');
  assert.match(run.command[0]!, /^GOOS=\$TARGETOS GOARCH=\$TARGETARCH go build/);
  const hc = df.stages[2]!.instructions.find((i) => i.kind === 'HEALTHCHECK');
  assert.ok(hc?.kind === 'HEALTHCHECK');
  assert.deepEqual([hc.health.interval, hc.health.timeout, hc.health.startPeriod, hc.health.retries], [30e9, 3e9, 10e9, 3]);
});

test('fixture: heredocs and secrets (python)', () => {
  const df = load('python-heredoc.Dockerfile');
  const steps = walk(df, { buildArgs: { PIP_INDEX_URL: 'https://pypi.internal/simple' } }).get(0)!;
  const copies = steps.filter((s) => s.kind === 'COPY');
  const conf = copies.find((c) => c.kind === 'COPY' && c.dest === '/srv/gunicorn.conf.py');
  assert.ok(conf?.kind === 'COPY');
  assert.equal(conf.inlineSources[0]!.data, 'bind = "0.0.0.0:${PORT}"\nworkers = 4\n');
  const version = copies.find((c) => c.kind === 'COPY' && c.dest === '/srv/VERSION');
  assert.ok(version?.kind === 'COPY');
  assert.equal(version.inlineSources[0]!.data, 'built-for=https://pypi.internal/simple\n');
  const pip = steps.find((s) => s.kind === 'RUN' && s.mounts.some((m) => m.type === 'secret'));
  assert.ok(pip?.kind === 'RUN');
  assert.deepEqual(pip.mounts[1], { type: 'secret', id: 'pipconf', target: '/etc/pip.conf', readOnly: true, required: false });
});

test('fixture: backtick escape (Windows)', () => {
  const df = load('windows-escape.Dockerfile');
  assert.equal(df.escapeToken, '`');
  const steps = walk(df).get(0)!;
  const wd = steps.find((s) => s.kind === 'WORKDIR');
  assert.ok(wd?.kind === 'WORKDIR');
  assert.equal(wd.path, 'C:\\app');
  const copy = steps.find((s) => s.kind === 'COPY');
  assert.ok(copy?.kind === 'COPY');
  assert.deepEqual([...copy.sources, copy.dest], ['bin\\', 'C:\\app\\bin\\']);
});

test('fixture: legacy forms (MAINTAINER, ENV key value, ONBUILD)', () => {
  const df = load('classic-legacy.Dockerfile');
  assert.equal(df.warnings.length, 1); // the empty continuation line
  const kinds = df.stages[0]!.instructions.map((i) => i.kind);
  assert.deepEqual(kinds, ['MAINTAINER', 'ENV', 'RUN', 'ADD', 'ADD', 'EXPOSE', 'VOLUME', 'ONBUILD', 'ONBUILD', 'CMD']);
  const onbuild = df.stages[0]!.instructions.filter((i) => i.kind === 'ONBUILD');
  assert.deepEqual(onbuild.map((o) => o.kind === 'ONBUILD' && o.expression), ['COPY site/ /usr/share/nginx/html/', 'RUN nginx -t']);
});

test('fixture: stage chosen by a global ARG', () => {
  const df = load('build-args-matrix.Dockerfile');
  const dflt = planBuild(df, { buildPlatform: AMD64 });
  assert.equal(dflt.stages[3]!.baseName, 'variant-default');
  assert.deepEqual(dflt.order, [0, 1, 3]);
  const slim = planBuild(df, { buildPlatform: AMD64, buildArgs: { VARIANT: 'slim', BASE_TAG: 'trixie' } });
  assert.equal(slim.stages[0]!.baseName, 'debian:trixie');
  assert.deepEqual(slim.order, [0, 2, 3]);
  const steps = walk(df, { buildArgs: { VARIANT: 'slim', VERSION: '2.1.0' } }).get(0)!;
  const label = steps.find((s) => s.kind === 'LABEL');
  assert.ok(label?.kind === 'LABEL');
  assert.deepEqual(label.pairs.map((p) => `${p.key}=${p.value}`), ['version=2.1.0', 'variant=slim']);
});
