// FROM: the state a stage starts in (scratch, another stage, an image of the wanted platform)
// and the ONBUILD triggers of its base image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../src/build/dockerfile/parse-dockerfile.js';
import { planBuild } from '../../../src/build/dockerfile/plan-stages.js';
import { baseImageConfig, scratchConfig, stageStart, takeOnbuildTriggers, triggerInstructions } from '../../../src/build/plan-from.js';
import type { StageState } from '../../../src/build/step-context.js';
import type { ImageRecord } from '../../../src/image/image-store.js';
import type { Digest } from '../../../src/oci/digest.js';
import type { ContainerConfig } from '../../../src/oci/image-spec.js';
import { InvalidArgumentError } from '../../../src/errors.js';

const AMD64 = { os: 'linux', architecture: 'amd64' };
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const IMAGE_ID = `sha256:${'a'.repeat(64)}` as Digest;
const LAYER = { diffId: `sha256:${'b'.repeat(64)}` as Digest, chainId: `sha256:${'b'.repeat(64)}` as Digest, size: 1 };

function image(config: ContainerConfig, platform = AMD64): ImageRecord {
  return { id: IMAGE_ID, config: { ...platform, config, rootfs: { type: 'layers', diff_ids: [LAYER.diffId] } }, layers: [LAYER], repoDigests: [], added: '' };
}

const noBases = {
  stage: (): Promise<StageState> => assert.fail('no stage wanted'),
  image: (): Promise<ImageRecord> => assert.fail('no image wanted'),
};

test('scratch: an empty config of the platform with docker\'s default PATH', () => {
  assert.deepEqual(scratchConfig({ os: 'linux', architecture: 'arm64', variant: 'v8' }), {
    architecture: 'arm64',
    os: 'linux',
    variant: 'v8',
    config: { Env: [DEFAULT_PATH] },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [],
  });
});

test('an image without PATH gets the default one first; one with PATH keeps it', () => {
  assert.deepEqual(baseImageConfig('x', image({ Env: ['A=1'] }), AMD64).config?.Env, [DEFAULT_PATH, 'A=1']);
  assert.deepEqual(baseImageConfig('x', image({ Env: ['PATH=/bin'] }), AMD64).config?.Env, ['PATH=/bin']);
  const img = image({ Env: ['A=1'] });
  baseImageConfig('x', img, AMD64);
  assert.deepEqual(img.config.config?.Env, ['A=1'], 'the record is not changed');
});

test('an image of another platform is refused with docker\'s message', () => {
  assert.throws(() => baseImageConfig('alpine', image({}, { os: 'linux', architecture: 'arm64' }), AMD64), (err: unknown) =>
    err instanceof InvalidArgumentError && /image with reference alpine was found but does not match the specified platform: wanted linux\/amd64, actual: linux\/arm64/.test(err.message));
});

test('stage starts: scratch keys from the platform, an image from its ID, a stage from its parent', async () => {
  const plan = planBuild(parseDockerfile('FROM scratch AS a\nFROM busybox AS b\nFROM a\n'), { buildPlatform: AMD64, target: undefined });
  const a = await stageStart(plan, plan.stages[0]!, noBases);
  assert.equal(a.parentKey, 'scratch:linux/amd64');
  assert.equal(a.id, undefined);
  assert.deepEqual(a.layers, []);
  const b = await stageStart(plan, plan.stages[1]!, { ...noBases, image: async (ref) => (assert.equal(ref, 'busybox'), image({ Env: ['PATH=/bin'] })) });
  assert.equal(b.parentKey, IMAGE_ID);
  assert.equal(b.baseImage, IMAGE_ID);
  assert.deepEqual(b.layers, [LAYER]);
  const c = await stageStart(plan, plan.stages[2]!, { ...noBases, stage: async (i) => (assert.equal(i, 0), a) });
  assert.equal(c.parentKey, 'scratch:linux/amd64');
  assert.notEqual(c.scope, a.scope);
});

test('ONBUILD triggers are taken from an image base, cleared, and parsed at the FROM line', async () => {
  const plan = planBuild(parseDockerfile('\nFROM base\n'), { buildPlatform: AMD64 });
  const ps = plan.stages[0]!;
  const state = await stageStart(plan, ps, { ...noBases, image: async () => image({ Env: ['PATH=/bin'], OnBuild: ['RUN echo one', 'ENV A=1'] }) });
  assert.deepEqual(takeOnbuildTriggers(ps, state), ['RUN echo one', 'ENV A=1']);
  assert.equal(state.config.config?.OnBuild, null);
  assert.deepEqual(takeOnbuildTriggers(ps, state), []);
  const [run] = triggerInstructions('RUN echo one', ps.stage.from.location);
  assert.equal(run?.kind, 'RUN');
  assert.equal(run?.location.startLine, 2);
});
