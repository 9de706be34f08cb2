// A client that stops reading a log stream holds the producer: berthd reads no further than the
// socket's buffers allow, instead of keeping everything it would have sent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pumpOutput, type OutputChunk } from '../../../../src/api/http/hijack.js';

describe('pumpOutput', () => {
  it('waits for a slow client instead of buffering without bound', async () => {
    let produced = 0;
    let stop = false;
    async function* endless(): AsyncIterable<OutputChunk> {
      const data = Buffer.alloc(64 * 1024, 0x61);
      while (!stop) {
        produced++;
        yield { stream: 'stdout', timeNano: 0n, data };
        // A real producer reads files: let the loop turn.
        await new Promise((r) => setImmediate(r));
      }
    }
    const server = createServer((_req, res) => {
      res.writeHead(200);
      void pumpOutput(endless(), res, true).catch(() => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await new Promise<import('node:http').IncomingMessage>((resolve) => request({ port, host: '127.0.0.1', path: '/' }, resolve).end());
      res.pause();
      await new Promise((r) => setTimeout(r, 700));
      // Socket buffers hold a few MiB at most; without waiting for 'drain' this is hundreds.
      assert.ok(produced < 200, `produced ${produced} chunks of 64 KiB for a client that read nothing`);
      res.destroy();
    } finally {
      stop = true;
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
