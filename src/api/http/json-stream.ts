// Streamed JSON messages (pull, push, load, import, build progress): one object per line, sent
// as it comes, after headers that go out at once.
import type { ServerResponse } from 'node:http';
import { SERVER_HEADERS } from './responses.js';

/** Starts a streamed JSON-messages response; the function it returns writes one message. */
export function startJsonStream(res: ServerResponse): (msg: object) => void {
  res.writeHead(200, { ...SERVER_HEADERS, 'Content-Type': 'application/json' });
  res.flushHeaders();
  return (msg) => {
    res.write(JSON.stringify(msg) + '\r\n');
  };
}
