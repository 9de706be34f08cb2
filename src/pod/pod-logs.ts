// `pod logs`: the members' logs as one stream, each line prefixed with its container (podman's
// short ID, or its name), in time order for what is already written and as it comes when followed.
import type { LogEntry } from '../container/log-file.js';

export interface MemberLog {
  prefix: string;
  entries: AsyncGenerator<LogEntry>;
}

const prefixed = (prefix: string, e: LogEntry): LogEntry => ({ ...e, data: Buffer.concat([Buffer.from(`${prefix} `), e.data]) });

/** Everything the logs hold, merged by time (follow: false). */
async function* mergedByTime(logs: readonly MemberLog[]): AsyncGenerator<LogEntry> {
  const all: LogEntry[] = [];
  for (const l of logs) for await (const e of l.entries) all.push(prefixed(l.prefix, e));
  all.sort((a, b) => (a.timeNano < b.timeNano ? -1 : a.timeNano > b.timeNano ? 1 : 0));
  yield* all;
}

/** Entries as each log yields them, until every log has ended (follow: true). */
async function* mergedAsTheyCome(logs: readonly MemberLog[]): AsyncGenerator<LogEntry> {
  type Next = { i: number; r: IteratorResult<LogEntry> };
  const pending = new Map<number, Promise<Next>>();
  const pull = (i: number): void => void pending.set(i, logs[i]!.entries.next().then((r) => ({ i, r })));
  logs.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      pending.delete(i);
      if (r.done) continue;
      yield prefixed(logs[i]!.prefix, r.value);
      pull(i);
    }
  } finally {
    await Promise.all(logs.map((l) => l.entries.return(undefined).catch(() => undefined)));
  }
}

export function mergeMemberLogs(logs: readonly MemberLog[], follow: boolean): AsyncGenerator<LogEntry> {
  return follow ? mergedAsTheyCome(logs) : mergedByTime(logs);
}
