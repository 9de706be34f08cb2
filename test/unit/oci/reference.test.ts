// References parsed and normalised as docker does, with docker's messages for invalid ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarString, formatReference, parseDockerRef, parseReference } from '../../../src/oci/reference.js';

const D = 'sha256:' + 'a'.repeat(64);

test('normalises familiar names like docker', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'docker.io/library/busybox', 'busybox'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['user/app', 'docker.io/user/app', 'user/app'],
    ['docker.io/busybox', 'docker.io/library/busybox', 'busybox'],
    ['index.docker.io/library/busybox:latest', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['localhost/app', 'localhost/app', 'localhost/app'],
    ['localhost:5000/ns/app:v1', 'localhost:5000/ns/app:v1', 'localhost:5000/ns/app:v1'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000/app', '127.0.0.1:5000/app'],
    ['[::1]:5000/app', '[::1]:5000/app', '[::1]:5000/app'],
    ['Foo/bar', 'Foo/bar', 'Foo/bar'],
    ['ghcr.io/a/b/c:tag_1.0-x', 'ghcr.io/a/b/c:tag_1.0-x', 'ghcr.io/a/b/c:tag_1.0-x'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`, `busybox@${D}`],
    [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`, `busybox:1@${D}`],
    ['a__b_c-d---e/f', 'docker.io/a__b_c-d---e/f', 'a__b_c-d---e/f'],
  ];
  for (const [input, full, familiar] of cases) {
    const r = parseReference(input);
    assert.equal(formatReference(r), full, input);
    assert.equal(familiarString(r), familiar, input);
  }
});

test('ParseDockerRef: default tag, digest wins over tag', () => {
  assert.equal(formatReference(parseDockerRef('busybox')), 'docker.io/library/busybox:latest');
  assert.equal(formatReference(parseDockerRef(`busybox:1@${D}`)), `docker.io/library/busybox@${D}`);
});

test("invalid references fail with docker's messages", () => {
  const cases: [string, string][] = [
    ['', 'invalid reference format'],
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['docker.io/Foo:tag', 'invalid reference format: repository name (library/Foo) must be lowercase'],
    ['localhost:5000/Foo', 'invalid reference format: repository name (Foo) must be lowercase'],
    ['a'.repeat(64).replace(/a/g, 'f'), `invalid repository name (${'f'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    ['busybox:', 'invalid reference format'],
    ['busybox::tag', 'invalid reference format'],
    ['busybox:-tag', 'invalid reference format'],
    ['-busybox', 'invalid reference format'],
    ['bus..ybox', 'invalid reference format'],
    ['busybox/', 'invalid reference format'],
    ['busy box', 'invalid reference format'],
    ['a_b.c/d', 'invalid reference format'],
    ['busybox@sha256:abc', 'invalid reference format'],
    [`busybox@sha256:${'a'.repeat(40)}`, 'invalid checksum digest length'],
    [`busybox@sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
    [`busybox@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    [`localhost/${'a'.repeat(256)}`, 'repository name must not be more than 255 characters'],
    [`busybox:${'t'.repeat(129)}`, 'invalid reference format'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseReference(input), { name: 'InvalidArgumentError', message }, JSON.stringify(input));
  }
});

test('fuzz: parsing never throws anything but InvalidArgumentError, and round-trips', () => {
  const alphabet = 'abcAB09._-/:@[]';
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 3000; i++) {
    let s = '';
    const len = 1 + rnd(20);
    for (let j = 0; j < len; j++) s += alphabet[rnd(alphabet.length)];
    try {
      const r = parseReference(s);
      assert.deepEqual(parseReference(formatReference(r)), r, s);
    } catch (err) {
      assert.equal((err as Error).name, 'InvalidArgumentError', s);
    }
  }
});
