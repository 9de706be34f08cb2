// The build context bench/build uses: a Dockerfile FROM busybox with ENV/WORKDIR, a 50 MB COPY
// (10 files of incompressible data), a small COPY and 10 RUN steps.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export function makeBenchContext(): string {
  const dir = mkdtempSync('/tmp/berth-bench-build-');
  mkdirSync(join(dir, 'big'));
  for (let i = 0; i < 10; i++) writeFileSync(join(dir, 'big', `blob-${i}.bin`), randomBytes(5 << 20));
  writeFileSync(join(dir, 'app.txt'), 'version 1\n');
  const runs = Array.from({ length: 10 }, (_, i) => `RUN echo step ${i} > /srv/app/step-${i}.txt && ls /srv/app > /dev/null`);
  writeFileSync(
    join(dir, 'Dockerfile'),
    ['FROM busybox', 'ENV APP=bench', 'WORKDIR /srv/app', 'COPY big/ /srv/data/', 'COPY app.txt ./', ...runs, 'CMD ["cat", "/srv/app/app.txt"]', ''].join('\n'),
  );
  return dir;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
