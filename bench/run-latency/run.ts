// bench/run-latency: median wall time of `berth run --rm busybox true`, of the same through the
// docker CLI against berthd, and of `docker run --rm busybox true` on a real docker daemon when one
// answers — side by side, interleaved, in one run.
//   node dist/bench/run-latency/run.js [--runs 20]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startTestDaemon, BERTH } from '../../test/support/test-daemon.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 20);

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const d = await startTestDaemon();
  try {
    const dockerd = existsSync('/var/run/docker.sock') && spawnSync('docker', ['-H', 'unix:///var/run/docker.sock', 'version'], { stdio: 'ignore' }).status === 0;
    if (dockerd && spawnSync('docker', ['-H', 'unix:///var/run/docker.sock', 'image', 'inspect', 'busybox'], { stdio: 'ignore' }).status !== 0) {
      // give the real docker the same image, made the same way
      spawnSync('sh', ['-c', `node ${process.argv[1]!.replace(/bench\/run-latency\/run\.js$/, 'src/image/busybox-rootfs.js')} | docker -H unix:///var/run/docker.sock import -c 'CMD ["sh"]' - busybox:latest`], { stdio: 'ignore' });
    }
    const series: Record<string, number[]> = { 'berth run (berth CLI → berthd)': [], 'docker CLI → berthd': [] };
    if (dockerd) series['docker CLI → dockerd'] = [];
    const envB = { BERTH_HOST: d.host };
    const envD = { DOCKER_HOST: d.host };
    // warm-up
    time(process.execPath, [BERTH, 'run', '--rm', 'busybox', 'true'], envB);
    for (let i = 0; i < runs; i++) {
      series['berth run (berth CLI → berthd)']!.push(time(process.execPath, [BERTH, 'run', '--rm', 'busybox', 'true'], envB));
      series['docker CLI → berthd']!.push(time('docker', ['run', '--rm', 'busybox', 'true'], envD));
      if (dockerd) series['docker CLI → dockerd']!.push(time('docker', ['run', '--rm', 'busybox', 'true'], { DOCKER_HOST: 'unix:///var/run/docker.sock' }));
    }
    console.log(`run --rm busybox true, ${runs} runs each, interleaved`);
    for (const [name, xs] of Object.entries(series)) {
      console.log(`${name.padEnd(34)} median ${median(xs).toFixed(0).padStart(5)} ms   min ${Math.min(...xs).toFixed(0).padStart(5)} ms`);
    }
    if (dockerd) {
      const ratio = median(series['berth run (berth CLI → berthd)']!) / median(series['docker CLI → dockerd']!);
      console.log(`berth / docker: ${ratio.toFixed(2)}x (target ≤ 0.35x)`);
    } else console.log('no docker daemon answers on /var/run/docker.sock: docker figures skipped');
  } finally {
    await d.stop();
  }
}

void main();
