import { it } from 'node:test';
import assert from 'node:assert/strict';
import { pathMatch } from '../../../src/filters/mod.js';

it('matches like Go\'s path.Match', () => {
  const cases: Array<[string, string, boolean]> = [
    ['busybox', 'busybox', true],
    ['busybox', 'busybox:latest', false],
    ['busy*', 'busybox:latest', true],
    ['*:latest', 'busybox:latest', true],
    ['*', 'library/busybox', false],
    ['*/*', 'library/busybox', true],
    ['b?sybox', 'busybox', true],
    ['[a-c]usybox', 'busybox', true],
    ['[^a-c]usybox', 'busybox', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['x.y', 'xzy', false],
  ];
  for (const [p, s, want] of cases) assert.equal(pathMatch(p, s), want, `${p} ~ ${s}`);
  assert.throws(() => pathMatch('[ab', 'a'), { message: 'syntax error in pattern' });
  assert.throws(() => pathMatch('ab\\', 'a'), { message: 'syntax error in pattern' });
});
