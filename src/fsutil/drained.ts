// Waiting for a slow reader: a stream write that returns false means its buffer is full, and
// whoever produces more (log follow, attach and exec output, an archive's tar reader) must wait for
// 'drain' — else a reader that stops makes berthd hold everything it would have sent, without bound.
// Both listeners come off whichever event comes first: one left per pause piles up.

interface DrainSource {
  readonly destroyed?: boolean;
  readonly writable?: boolean;
  readonly writableNeedDrain?: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/** Resolves when `s` can take more (at once if it can now), or when it is gone. */
export function drained(s: DrainSource): Promise<void> {
  // Streams that do not say (streamx's, tar-stream's) are waited for.
  if (s.destroyed || s.writable === false || s.writableNeedDrain === false) return Promise.resolve();
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
