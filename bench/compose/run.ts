// bench/compose: `up -d` and `down` of a 10-service project (busybox services, one network, no
// dependencies between most of them), wall time of berth compose beside Debian's docker-compose
// 1.29, against a test berthd; and against the dockerd that DOCKER_HOST names, when it names one
// (the goal: berth compose at most half of docker-compose's time on dockerd).
//   node dist/bench/compose/run.js [--rounds 3]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH, startTestDaemon } from '../../test/support/test-daemon.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 3);
const DOCKER_COMPOSE = '/usr/bin/docker-compose';

function projectFile(): string {
  const services = Array.from({ length: 10 }, (_, i) => `  s${i}:\n    image: busybox\n    command: ["sleep", "3600"]\n    stop_signal: SIGKILL\n${i > 0 && i % 3 === 0 ? `    depends_on: [s${i - 1}]\n` : ''}`);
  return `services:\n${services.join('')}`;
}

function timed(cmd: string, args: string[], host: string): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, DOCKER_HOST: host, BERTH_HOST: host, COMPOSE_PROGRESS: 'quiet' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed on ${host}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function benchTool(tool: 'berth' | 'docker-compose', host: string, file: string): { up: number; down: number } {
  const [cmd, pre] = tool === 'berth' ? [process.execPath, [BERTH, 'compose']] : [DOCKER_COMPOSE, []];
  const args = (rest: string[]): string[] => [...pre, '-p', 'benchc', '-f', file, ...rest];
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < rounds; i++) {
    up.push(timed(cmd, args(['up', '-d']), host));
    down.push(timed(cmd, args(['down', '-t', '0']), host));
  }
  return { up: median(up), down: median(down) };
}

function report(where: string, host: string, file: string): void {
  const b = benchTool('berth', host, file);
  process.stdout.write(`${where}: berth compose       up -d ${b.up.toFixed(0)} ms, down ${b.down.toFixed(0)} ms\n`);
  if (!existsSync(DOCKER_COMPOSE)) return;
  const v = benchTool('docker-compose', host, file);
  process.stdout.write(`${where}: docker-compose 1.29 up -d ${v.up.toFixed(0)} ms, down ${v.down.toFixed(0)} ms`
    + ` (berth/docker-compose: up ${(b.up / v.up).toFixed(2)}x, down ${(b.down / v.down).toFixed(2)}x)\n`);
}

const dir = mkdtempSync('/tmp/bench-compose-');
const file = join(dir, 'compose.yaml');
writeFileSync(file, projectFile());
try {
  const d = await startTestDaemon();
  try {
    report('berthd', d.host, file);
  } finally {
    await d.stop();
  }
  const dockerd = process.env.DOCKER_HOST;
  if (dockerd && spawnSync('docker', ['version'], { env: { ...process.env, DOCKER_HOST: dockerd } }).status === 0) {
    spawnSync('docker', ['pull', '-q', 'busybox'], { env: { ...process.env, DOCKER_HOST: dockerd } });
    try {
      report('dockerd', dockerd, file);
    } catch (err) {
      process.stdout.write(`dockerd: skipped (${(err as Error).message.split('\n')[0]})\n`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
