// The dashboard server's compose up/down (the CLI's arguments from a project's labels) and the
// registry browser's path filter (only catalog, tags and manifests reach the registry).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { composeArgs, projectFiles } from '../../../src/ui/compose-runner.js';
import { registryPath } from '../../../src/ui/registry-proxy.js';

it('finds a project files in its labels and builds the compose command line', () => {
  const labels: Array<Record<string, string> | undefined> = [
    { 'com.docker.compose.project': 'other', 'com.docker.compose.project.config_files': '/o/compose.yaml' },
    undefined,
    { 'com.docker.compose.project': 'app', 'com.docker.compose.project.config_files': '/src/app/compose.yaml,/src/app/override.yaml', 'com.docker.compose.project.working_dir': '/src/app' },
  ];
  const files = projectFiles(labels, 'app');
  assert.deepEqual(files, { configFiles: ['/src/app/compose.yaml', '/src/app/override.yaml'], workingDir: '/src/app' });
  assert.equal(projectFiles(labels, 'none'), undefined);
  assert.deepEqual(composeArgs('app', files!, 'up'), ['compose', '-p', 'app', '--project-directory', '/src/app', '-f', '/src/app/compose.yaml', '-f', '/src/app/override.yaml', 'up', '-d']);
  assert.deepEqual(composeArgs('app', { configFiles: ['/c.yaml'] }, 'down'), ['compose', '-p', 'app', '-f', '/c.yaml', 'down']);
});

it('lets only the catalog, tags and manifests through to the registry', () => {
  const p = (s: string) => registryPath(new URL(s, 'http://dashboard'));
  assert.equal(p('/ui/registry/v2/_catalog?n=100'), '/v2/_catalog?n=100');
  assert.equal(p('/ui/registry/v2/ui/busybox/tags/list'), '/v2/ui/busybox/tags/list');
  assert.equal(p('/ui/registry/v2/ui/busybox/manifests/1'), '/v2/ui/busybox/manifests/1');
  assert.equal(p('/ui/registry/v2/ui/busybox/manifests/sha256:abc'), '/v2/ui/busybox/manifests/sha256:abc');
  assert.equal(p('/ui/registry/v2/ui/busybox/blobs/sha256:abc'), undefined);
  assert.equal(p('/ui/registry/v2/ui/busybox/blobs/uploads/'), undefined);
  assert.equal(p('/ui/registry/v2/a/../../metrics/tags/list'), undefined);
  assert.equal(p('/ui/registry/metrics'), undefined);
});
