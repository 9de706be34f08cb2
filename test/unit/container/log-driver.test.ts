// The logging drivers' checks at create and start, with docker's messages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError, InvalidArgumentError, NotImplementedError } from '../../../src/errors.js';
import { checkLogsReadable, logDriverOf, logSizeLimit, parseGoSize, settleLogConfig } from '../../../src/container/log-driver.js';

describe('log drivers', () => {
  it('json-file is the default, also for records that said k8s-file', () => {
    assert.deepEqual(settleLogConfig(undefined), { Type: 'json-file', Config: {} });
    assert.deepEqual(settleLogConfig({ Type: '', Config: { 'max-size': '1m' } }), { Type: 'json-file', Config: { 'max-size': '1m' } });
    assert.equal(logDriverOf({ Type: 'k8s-file' }), 'json-file');
  });

  it('refuses unknown drivers and options a driver does not take', () => {
    assert.throws(() => settleLogConfig({ Type: 'syslog' }), { constructor: InvalidArgumentError, message: 'error looking up logging plugin syslog: plugin "syslog" not found' });
    assert.throws(() => settleLogConfig({ Type: 'json-file', Config: { x: '1' } }), { message: "unknown log opt 'x' for json-file log driver" });
    assert.throws(() => settleLogConfig({ Type: 'local', Config: { tag: '1' } }), { message: "unknown log opt 'tag' for log driver local" });
    assert.throws(() => settleLogConfig({ Type: 'local', Config: { mode: 'x' } }), { message: 'logger: logging mode not supported: x' });
    assert.deepEqual(settleLogConfig({ Type: 'none', Config: { anything: '1' } }), { Type: 'none', Config: { anything: '1' } });
    assert.deepEqual(settleLogConfig({ Type: 'local', Config: { mode: 'non-blocking', 'max-buffer-size': '4m' } }).Type, 'local');
  });

  it('bounds the file by max-size × max-file; local has docker\'s defaults', () => {
    assert.equal(logSizeLimit({ Type: 'json-file' }), 0);
    assert.equal(logSizeLimit({ Type: 'json-file', Config: { 'max-file': '3' } }), 0);
    assert.equal(logSizeLimit({ Type: 'json-file', Config: { 'max-size': '10k', 'max-file': '3' } }), 30 * 1024);
    assert.equal(logSizeLimit({ Type: 'local' }), 100 * 1024 * 1024);
    assert.equal(logSizeLimit({ Type: 'none' }), 0);
  });

  it('a bad value fails the start with docker\'s message', () => {
    const fails = (lc: Parameters<typeof logSizeLimit>[0], message: string): void => {
      assert.throws(() => logSizeLimit(lc), (err: unknown) => err instanceof BerthError && !(err instanceof InvalidArgumentError) && (err as Error).message === message);
    };
    fails({ Type: 'json-file', Config: { 'max-size': 'abc' } }, "failed to initialize logging driver: invalid size: 'abc'");
    fails({ Type: 'json-file', Config: { 'max-size': '1k', 'max-file': 'x' } }, 'failed to initialize logging driver: strconv.Atoi: parsing "x": invalid syntax');
    fails({ Type: 'json-file', Config: { 'max-file': '0' } }, 'failed to initialize logging driver: max-file cannot be less than 1');
    fails({ Type: 'local', Config: { 'max-size': 'abc' } }, "failed to initialize logging driver: invalid value for max-size: abc: invalid size: 'abc'");
    fails({ Type: 'local', Config: { 'max-file': '1' } }, 'failed to initialize logging driver: compression cannot be enabled when max file count is 1');
  });

  it('reads docker\'s sizes', () => {
    assert.equal(parseGoSize('100'), 100);
    assert.equal(parseGoSize('1kb'), 1024);
    assert.equal(parseGoSize('1.5M'), 1.5 * 1024 * 1024);
    assert.equal(parseGoSize('2 GiB'), 2 * 1024 ** 3);
    assert.throws(() => parseGoSize('-1'), { message: "invalid size: '-1'" });
  });

  it('none keeps nothing to read', () => {
    assert.throws(() => checkLogsReadable({ Type: 'none' }), NotImplementedError);
    checkLogsReadable({ Type: 'local' });
    checkLogsReadable(undefined);
  });
});
