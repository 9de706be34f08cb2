// The query of a logs request (a container's, a pod's): docker's streams, follow, tail and time range.
import { InvalidArgumentError } from '../../errors.js';
import { boolParam, timeParam } from './request-body.js';

export interface LogParams {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  tail?: number;
  sinceNano?: bigint;
  untilNano?: bigint;
}

export function logParams(q: URLSearchParams): LogParams {
  const stdout = boolParam(q, 'stdout');
  const stderr = boolParam(q, 'stderr');
  if (!stdout && !stderr) throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
  const tailRaw = q.get('tail');
  const tail = tailRaw && tailRaw !== 'all' ? Number(tailRaw) : undefined;
  const since = timeParam(q, 'since');
  const until = timeParam(q, 'until');
  return {
    stdout, stderr, follow: boolParam(q, 'follow'),
    ...(tail !== undefined && Number.isFinite(tail) ? { tail } : {}),
    ...(since !== undefined ? { sinceNano: since } : {}),
    ...(until !== undefined ? { untilNano: until } : {}),
  };
}
