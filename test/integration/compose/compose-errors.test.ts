// A broken compose file fails before anything is made: the message names file, line and key, and
// the daemon is left without a container, network or volume of the project.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

const CASES: Record<string, { yaml: string; error: RegExp }> = {
  malformed: { yaml: 'services:\n  web:\n    image: busybox\n   command: [oops\n', error: /compose\.yaml:4: malformed YAML/ },
  'unknown key': { yaml: 'services:\n  web:\n    image: busybox\n    volumes:\n      - data:/x\n    colour: red\nvolumes:\n  data: {}\n', error: /compose\.yaml:6: services\.web\.colour: additional property "colour" is not allowed/ },
  'depends_on cycle': { yaml: 'services:\n  a:\n    image: busybox\n    depends_on: [b]\n  b:\n    image: busybox\n    depends_on: [a]\n', error: /compose\.yaml:\d+: services\.(a|b)\.depends_on\.(a|b): dependency cycle detected/ },
  'missing required variable': { yaml: 'services:\n  web:\n    image: ${IMAGE:?set IMAGE}\n', error: /compose\.yaml:3: services\.web\.image: required variable IMAGE is missing a value: set IMAGE/ },
};

describe('berth compose refuses a broken file and creates nothing', () => {
  let d: TestDaemon;
  let dir: string;
  before(async () => {
    d = await startTestDaemon({ busybox: false });
    dir = mkdtempSync('/tmp/bcompose-err-');
  });
  after(async () => {
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      writeFileSync(join(dir, 'compose.yaml'), c.yaml);
      const up = await d.berth(['compose', '-p', 'bad', '-f', join(dir, 'compose.yaml'), 'up', '-d'], { env: { IMAGE: '' } });
      assert.notEqual(up.code, 0);
      assert.match(up.stderr, c.error);
      assert.equal((await d.docker(['ps', '-aq'])).stdout, '');
      assert.equal((await d.docker(['network', 'ls', '-q', '--filter', 'name=bad_'])).stdout, '');
      assert.equal((await d.docker(['volume', 'ls', '-q'])).stdout, '');
    });
  }
});
