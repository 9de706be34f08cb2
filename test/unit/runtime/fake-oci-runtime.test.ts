// The fake OciRuntime the container unit tests use passes the same conformance suite as conmon+runc.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOciRuntime } from '../../support/fake-oci-runtime.js';
import { ociRuntimeSuite } from '../../support/oci-runtime-suite.js';

ociRuntimeSuite('fake', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-fake-runtime-'));
  return {
    runtime: new FakeOciRuntime(),
    exitDir: join(dir, 'exits'),
    dir,
    async bundle(id) {
      const bundle = join(dir, id);
      mkdirSync(bundle, { recursive: true });
      writeFileSync(join(bundle, 'config.json'), '{}');
      return bundle;
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
