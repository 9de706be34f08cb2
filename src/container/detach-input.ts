// A hijacked stdin watched for the detach sequence, as dockerd watches a tty attach or exec:
// the bytes before it go on to the process, the sequence itself never does, and the stream
// ends there (the process keeps running; the caller ends the client's connection).
import { PassThrough, type Readable } from 'node:stream';
import { BerthError, InvalidArgumentError } from '../errors.js';
import { DEFAULT_DETACH_KEYS, DetachWatcher, parseDetachKeys } from '../detach-keys.js';

export interface DetachableInput {
  /** The client's bytes without the sequence; ends at the client's EOF or at the sequence. */
  input: Readable;
  /** Resolves once `input` has ended: true when it ended at the sequence. */
  detached: Promise<boolean>;
}

/**
 * Docker's `detachKeys` value as bytes (empty: the default ctrl-p,ctrl-q). The error is dockerd's:
 * for attach a bad parameter, "Invalid detach keys (…) provided"; for exec create a plain error
 * (status 500), "Invalid escape keys (…) provided".
 */
export function detachKeysOf(spec: string | undefined, what: 'detach' | 'escape'): number[] {
  if (!spec) return parseDetachKeys(DEFAULT_DETACH_KEYS);
  try {
    return parseDetachKeys(spec);
  } catch {
    const message = `Invalid ${what} keys (${spec}) provided`;
    throw what === 'detach' ? new InvalidArgumentError(message) : new BerthError(message);
  }
}

export function watchDetachKeys(client: Readable, keys: readonly number[]): DetachableInput {
  const watcher = new DetachWatcher(keys);
  const input = new PassThrough();
  let settle!: (detached: boolean) => void;
  const detached = new Promise<boolean>((resolve) => (settle = resolve));
  const onData = (chunk: Buffer): void => {
    const { pass, detached: seen } = watcher.feed(chunk);
    if (pass.length > 0) input.write(pass);
    if (!seen) return;
    stop();
    input.end();
    settle(true);
  };
  const onEnd = (): void => {
    stop();
    input.end();
    settle(false);
  };
  const stop = (): void => {
    client.off('data', onData);
    client.off('end', onEnd);
    client.off('close', onEnd);
    // What the client sends after detaching goes nowhere.
    client.resume();
  };
  client.on('data', onData);
  client.once('end', onEnd);
  client.once('close', onEnd);
  return { input, detached };
}
