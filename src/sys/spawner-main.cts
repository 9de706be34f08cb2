// The spawner: a small node process berthd starts (src/sys/spawner.ts) to run its one-shot commands,
// so their forks happen here and not on berthd's thread, whose larger heap makes each fork slower
// and stalls every request in flight. It takes requests over the IPC channel and answers each
// with the command's outcome. It ends when berthd is gone (the channel closes), after the commands
// it is running have ended; signals meant for berthd's terminal or service leave it to that.
import { runProgramHere, type ProgramRequest } from './program-run.cjs';

interface Job {
  id: number;
  req: ProgramRequest;
}

let running = 0;

function exitWhenIdle(): void {
  if (!process.connected && running === 0) process.exit(0);
}

process.on('message', (job: Job) => {
  running++;
  void runProgramHere(job.req).then((outcome) => {
    running--;
    // A channel closing under the reply is seen by 'disconnect'; the callback keeps it from throwing.
    if (process.connected) process.send!({ id: job.id, outcome }, () => undefined);
    exitWhenIdle();
  });
});
process.on('disconnect', exitWhenIdle);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
process.send!({ ready: true });
