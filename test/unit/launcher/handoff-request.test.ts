// The launcher's request as the worker reads it: fields in order, counts for argv and env, and
// refusal of anything cut short or of another protocol.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HANDOFF_PROTOCOL, Reply, parseHandoffRequest, replyRecord } from '../../../src/launcher/handoff-request.cjs';

const body = (fields: string[]): Buffer => Buffer.from(`${fields.join('\0')}\0`);

describe('parseHandoffRequest', () => {
  it('reads every field, arguments and environment as given', () => {
    const req = parseHandoffRequest(body([HANDOFF_PROTOCOL, '/opt/berth', '/home/u/app', '18', '4:402', '8:2', '3', 'run', '-e', 'A=b=c', '2', 'HOME=/home/u', 'EMPTY=']));
    assert.deepEqual(req, {
      protocol: '1', root: '/opt/berth', cwd: '/home/u/app', umask: 18, mountNamespace: '4:402', rootDir: '8:2',
      argv: ['run', '-e', 'A=b=c'], env: { HOME: '/home/u', EMPTY: '' },
    });
  });

  it('keeps arguments with spaces, newlines and non-ASCII text whole', () => {
    const req = parseHandoffRequest(body(['1', '/r', '/', '0', 'a', 'b', '2', 'sh -c "echo hi"\nnext', 'héllo', '0']));
    assert.deepEqual(req.argv, ['sh -c "echo hi"\nnext', 'héllo']);
  });

  it('refuses a request cut short, a bad count or another protocol', () => {
    assert.throws(() => parseHandoffRequest(body(['1', '/r', '/', '0', 'a', 'b', '3', 'ps'])), /cut short/);
    assert.throws(() => parseHandoffRequest(body(['1', '/r', '/', '0', 'a', 'b', '-1'])), /bad count/);
    assert.throws(() => parseHandoffRequest(body(['2', '/r'])), /protocol 2/);
  });

  it('answers in records of a tag and an int32', () => {
    assert.deepEqual([...replyRecord(Reply.Exit, 125)], [0x58, 125, 0, 0, 0]);
    assert.deepEqual([...replyRecord(Reply.Accepted)], [0x41, 0, 0, 0, 0]);
  });
});
