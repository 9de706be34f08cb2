// Container stdin goes through conmon's attach socket, a SOCK_SEQPACKET unix socket that Node's net
// module cannot open; socat bridges it (`type=5` is SOCK_SEQPACKET). Output does not come this way:
// it is followed from conmon's log file, so one bridge process per attach with stdin is the cost.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/** Pipes `input` into the attach socket; resolves when input ended and socat exited. */
export function bridgeStdin(socketPath: string, input: Readable): { done: Promise<void>; close(): void } {
  // Both directions, the container's side thrown away: conmon also writes the output to attach clients,
  // and with a one-way socat (-u) conmon sometimes never saw the end of stdin (measured: 2 in 12 runs).
  const child = spawn('socat', ['-', `UNIX-CONNECT:${socketPath},type=5`], { stdio: ['pipe', 'ignore', 'ignore'] });
  input.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  const done = new Promise<void>((resolve) => {
    child.on('exit', () => resolve());
    child.on('error', () => resolve());
  });
  return {
    done,
    close: () => {
      input.unpipe(child.stdin);
      child.stdin.end();
    },
  };
}
