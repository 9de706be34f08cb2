// conmon + runc (ConmonRuntime) passes the OciRuntime conformance suite, on a busybox rootfs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { findExecutable } from '../../../src/fsutil/find-executable.js';
import { ConmonRuntime } from '../../../src/runtime/conmon-runtime.js';
import { generateSpec } from '../../../src/runtime/spec/generate-spec.js';
import { specToJson } from '../../../src/runtime/spec/spec-json.js';
import { canRunRunc, makeRootfs, removeCgroups } from './bundle.js';
import { ociRuntimeSuite } from '../../support/oci-runtime-suite.js';

const conmon = findExecutable('conmon');
const runc = findExecutable('runc');
const skip = canRunRunc() && conmon && runc ? false : 'needs root, conmon, runc and busybox-static';

// One rootfs for every test (read-only use), under a short dir: conmon's socket paths must fit sun_path.
const top = mkdtempSync(join(tmpdir(), 'brt-'));
const rootfs = skip ? '' : makeRootfs(top, true);
const cgroupParent = `berth-runtime-test-${process.pid}`;
after(() => {
  removeCgroups(cgroupParent, []);
  rmSync(top, { recursive: true, force: true });
});

ociRuntimeSuite('conmon + runc', async () => {
  const dir = mkdtempSync(join(top, 't'));
  const runtime = new ConmonRuntime({ runtimeBinary: runc!, runtimeRoot: join(dir, 'state'), conmonBinary: conmon!, socketDir: join(dir, 's') });
  return {
    runtime,
    exitDir: join(dir, 'exits'),
    dir,
    async bundle(id) {
      const bundle = join(dir, id.slice(0, 12));
      mkdirSync(bundle, { recursive: true });
      const { spec } = await generateSpec({
        id,
        rootfs,
        // A shell as init: a namespace's init ignores SIGTERM unless it handles it.
        config: { Cmd: ['sh', '-c', 'trap "exit 143" TERM; sleep 1000 & wait'] },
        hostConfig: { NetworkMode: 'none' },
        cgroupsPath: `/${cgroupParent}/${id}`,
      });
      spec.process!.terminal = false;
      writeFileSync(join(bundle, 'config.json'), specToJson(spec));
      return bundle;
    },
    async cleanup(ids) {
      removeCgroups(cgroupParent, ids);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, { skip });
