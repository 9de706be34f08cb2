// Plain (non-streamed) replies with docker's headers: JSON bodies and empty ones.
import type { ServerResponse } from 'node:http';
import { MAX_API_VERSION } from '../../engine-api-version.js';

/** What dockerd sends on every reply; clients read Api-Version and Ostype from it. */
export const SERVER_HEADERS: Record<string, string> = {
  'Api-Version': MAX_API_VERSION,
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: `Docker/27.5.0 (linux) berth`,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { ...SERVER_HEADERS, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** `204 No Content`: what dockerd answers to start, stop, kill, rm… */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204, SERVER_HEADERS).end();
}

/** A status with an empty body (`Content-Length: 0`): dockerd's reply to resize, tag, connect… */
export function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { ...SERVER_HEADERS, 'Content-Length': '0' }).end();
}
