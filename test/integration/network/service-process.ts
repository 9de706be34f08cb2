// A stand-in berthd for crash tests: opens the network service on the test's database and run dir,
// attaches the containers it is given, prints their results as one JSON line, and waits to be killed.
import { openDatabase } from '../../../src/db/database.js';
import { NetworkService, type AttachRequest, type NetworkServiceOptions } from '../../../src/network/mod.js';

interface Job {
  dbPath: string;
  opts: Omit<NetworkServiceOptions, 'db'>;
  running: string[];
  attach: AttachRequest[];
}

const job = JSON.parse(process.argv[2]!) as Job;
const svc = new NetworkService({ ...job.opts, db: openDatabase(job.dbPath) });
await svc.init();
await svc.reconcile(job.running);
const results = [];
for (const a of job.attach) results.push(await svc.attachContainer(a));
process.stdout.write(JSON.stringify(results) + '\n');
setInterval(() => undefined, 60_000);
