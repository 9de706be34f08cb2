import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlagError, parseArgs } from '../../../../src/cli/flags/parse-args.js';
import { bool, int, list, parseGoDuration, parseGoInt, parseNanoCpus, str, typed, parseBytes } from '../../../../src/cli/flags/flag-spec.js';
import { formatHelp } from '../../../../src/cli/flags/usage.js';

const flags = [
  bool('detach', 'd', 'detach'),
  bool('interactive', 'i', 'keep stdin'),
  bool('tty', 't', 'tty'),
  bool('rm', undefined, 'remove'),
  bool('sig-proxy', undefined, 'proxy', true),
  list('env', 'e', 'env'),
  list('publish', 'p', 'ports'),
  str('name', undefined, 'name'),
  int('stop-timeout', undefined, 'timeout'),
  typed('memory', 'm', 'bytes', 'memory', parseBytes),
];

describe('parseArgs (pflag semantics)', () => {
  it('reads long, short, = and separate values', () => {
    const p = parseArgs(['--name=web', '-e', 'A=1', '--env', 'B=2', '-eC=3', '-e=D=4', '--stop-timeout', '5', 'img'], flags, { interspersed: false });
    assert.equal(p.values.name, 'web');
    assert.deepEqual(p.values.env, ['A=1', 'B=2', 'C=3', 'D=4']);
    assert.equal(p.values['stop-timeout'], 5);
    assert.deepEqual(p.args, ['img']);
    assert.ok(p.set.has('name') && !p.set.has('detach'));
  });
  it('combines shorthand booleans and a trailing value flag', () => {
    const p = parseArgs(['-itd', '-p8080:80', '-itp', '90:90', 'img'], flags, { interspersed: false });
    assert.equal(p.values.interactive, true);
    assert.equal(p.values.tty, true);
    assert.equal(p.values.detach, true);
    assert.deepEqual(p.values.publish, ['8080:80', '90:90']);
  });
  it('takes --bool=false and keeps defaults', () => {
    const p = parseArgs(['--rm=false', '--sig-proxy=false', 'img'], flags, { interspersed: false });
    assert.equal(p.values.rm, false);
    assert.equal(p.values['sig-proxy'], false);
    assert.equal(parseArgs(['img'], flags, { interspersed: false }).values['sig-proxy'], true);
  });
  it('stops at the first positional when not interspersed', () => {
    const p = parseArgs(['-d', 'busybox', 'ls', '-l', '--name', 'x'], flags, { interspersed: false });
    assert.deepEqual(p.args, ['busybox', 'ls', '-l', '--name', 'x']);
    assert.equal(p.values.name, undefined);
  });
  it('mixes flags and arguments when interspersed; -- ends flags', () => {
    const p = parseArgs(['a', '-d', 'b', '--', '-x'], flags, { interspersed: true });
    assert.deepEqual(p.args, ['a', 'b', '-x']);
    assert.equal(p.values.detach, true);
  });
  it('reports docker errors', () => {
    assert.throws(() => parseArgs(['--foo', 'img'], flags, { interspersed: false }), new FlagError('unknown flag: --foo'));
    assert.throws(() => parseArgs(['-x'], flags, { interspersed: false }), new FlagError("unknown shorthand flag: 'x' in -x"));
    assert.throws(() => parseArgs(['-dx'], flags, { interspersed: false }), new FlagError("unknown shorthand flag: 'x' in -dx"));
    assert.throws(() => parseArgs(['--name'], flags, { interspersed: false }), new FlagError('flag needs an argument: --name'));
    assert.throws(() => parseArgs(['-e'], flags, { interspersed: false }), new FlagError("flag needs an argument: 'e' in -e"));
    assert.throws(() => parseArgs(['-m', 'abc'], flags, { interspersed: false }), new FlagError(`invalid argument "abc" for "-m, --memory" flag: invalid size: 'abc'`));
    assert.throws(() => parseArgs(['--stop-timeout', 'x'], flags, { interspersed: false }), /strconv.ParseInt: parsing "x": invalid syntax/);
    assert.throws(() => parseArgs(['--rm=maybe'], flags, { interspersed: false }), /strconv.ParseBool/);
  });
  it('sees --help, and -h when no flag owns it', () => {
    assert.equal(parseArgs(['--help'], flags, { interspersed: true }).help, true);
    assert.equal(parseArgs(['-h'], flags, { interspersed: true }).help, true);
    const withH = [...flags, str('hostname', 'h', 'host')];
    const p = parseArgs(['-h', 'box', 'img'], withH, { interspersed: false });
    assert.equal(p.help, false);
    assert.equal(p.values.hostname, 'box');
  });
});

describe('flag value parsers', () => {
  it('Go ints and durations', () => {
    assert.equal(parseGoInt('10'), 10);
    assert.equal(parseGoInt('-3'), -3);
    assert.equal(parseGoInt('0x10'), 16);
    assert.equal(parseGoDuration('1m30s'), 90e9);
    assert.equal(parseGoDuration('500ms'), 500e6);
    assert.equal(parseGoDuration('1.5h'), 5400e9);
    assert.equal(parseGoDuration('0'), 0);
    assert.throws(() => parseGoDuration('10'), /missing unit/);
    assert.throws(() => parseGoDuration('abc'), /time: invalid duration "abc"/);
  });
  it('--cpus', () => {
    assert.equal(parseNanoCpus('1.5'), 1_500_000_000);
    assert.equal(parseNanoCpus('.5'), 500_000_000);
    assert.throws(() => parseNanoCpus('x'), /failed to parse x as a rational number/);
  });
});

describe('help layout', () => {
  it('aligns the options column like docker', () => {
    const text = formatHelp('berth', { path: 'run', usage: '[OPTIONS] IMAGE', description: 'Run it', aliases: ['container run', 'run'], flags });
    assert.match(text, /^Usage:  berth run \[OPTIONS\] IMAGE\n\nRun it\n\nAliases:\n  berth container run, berth run\n\nOptions:\n/);
    assert.match(text, /\n  -d, --detach {13}detach\n/);
    assert.match(text, /\n  -m, --memory bytes {7}memory\n/);
    assert.match(text, /\n      --sig-proxy {10}proxy \(default true\)\n/);
    assert.match(text, /\n      --help {15}Print usage\n/);
  });
});
