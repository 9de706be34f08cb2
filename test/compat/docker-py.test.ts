// docker-py (Debian's python3-docker, run by /usr/bin/python3) as a client: the flows of
// docker-py-flows.py, one check a subtest. Skipped where the module is missing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runProcess } from '../support/test-daemon.js';
import { TEST_SOURCES } from '../support/repo-paths.js';
import { CompatTarget } from './harness.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(TEST_SOURCES, 'compat', 'docker-py-flows.py');
const CHECKS = [
  'containers_run_returns_output',
  'create_start_logs_wait_remove',
  'images_list_get_tag',
  'networks_create_connect_disconnect_remove',
  'volumes_create_list_remove',
  'exec_run',
  'put_archive_get_archive_commit',
  'build_ok_and_failing',
];

function hasDockerPy(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import docker'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('compat: docker-py', { skip: hasDockerPy() ? false : 'python3-docker is not installed' }, () => {
  let t: CompatTarget;
  const results = new Map<string, { ok: boolean; error?: string }>();
  before(async () => {
    t = await CompatTarget.open();
    const r = await runProcess(PYTHON, [SCRIPT, t.run, t.apiVersion], { timeoutMs: 300_000, env: { ...process.env, DOCKER_HOST: t.host } });
    for (const line of r.stdout.split('\n').filter((l) => l.startsWith('{'))) {
      const res = JSON.parse(line) as { name: string; ok: boolean; error?: string };
      results.set(res.name, res);
    }
    if (results.size === 0) throw new Error(`docker-py-flows.py reported nothing (exit ${r.code}): ${r.stderr}`);
  });
  after(async () => {
    await t?.close();
  });

  for (const name of CHECKS) {
    it(name.replace(/_/g, ' '), () => {
      const res = results.get(name);
      assert.ok(res, `${name} did not report`);
      assert.ok(res.ok, res.error);
    });
  }
});
