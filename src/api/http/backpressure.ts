// Waiting for a slow client: a stream write that returns false means the socket's buffer is full,
// and whoever produces more (log follow, attach, exec output) must wait for 'drain' — else a client
// that stops reading makes berthd hold everything it would have sent, without bound.

interface DrainSource {
  readonly destroyed?: boolean;
  readonly writable?: boolean;
  readonly writableNeedDrain?: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/** Resolves when `s` can take more (at once if it can now), or when it is gone. */
export function drained(s: DrainSource): Promise<void> {
  if (s.destroyed || s.writable === false || !s.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.once('drain', done);
    s.once('close', done);
  });
}
