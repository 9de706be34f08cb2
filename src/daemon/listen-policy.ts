// Which API addresses berthd agrees to listen on. Whoever reaches the API is root on the host, so
// a TCP address other than loopback needs mutual TLS (docker only warns; berth refuses and says
// how to do it safely), and TLS settings that would silently fall short are refused too.
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../errors.js';

export interface ListenTls {
  cert?: string;
  key?: string;
  ca?: string;
  tls: boolean;
  verify: boolean;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === '' || h === 'localhost') return true; // '' binds 127.0.0.1 (server.ts)
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./i.test(h);
  return false;
}

/** Throws InvalidArgumentError when an address or the TLS settings are unsafe; see the file's top. */
export function checkListenPolicy(hosts: readonly string[], t: ListenTls): void {
  if ((t.tls || t.verify) && (!t.cert || !t.key)) {
    throw new InvalidArgumentError('--tls and --tlsverify need --tlscert and --tlskey: without them the API would be served in clear text');
  }
  if (t.verify && !t.ca) {
    throw new InvalidArgumentError('--tlsverify needs --tlscacert: the CA whose client certificates are let in (without it any certificate the system trusts would be)');
  }
  for (const address of hosts) {
    if (!address.startsWith('tcp://') && address.includes('://')) continue;
    const hostPort = address.replace(/^tcp:\/\//, '').split('/')[0]!;
    const host = hostPort.startsWith('[') ? hostPort.slice(0, hostPort.indexOf(']') + 1) : hostPort.split(':')[0]!;
    if (isLoopback(host) || t.verify) continue;
    throw new InvalidArgumentError(
      `refusing to listen on ${address} without --tlsverify: anyone who can reach it gets root on this host through the API. ` +
        'Give --tlsverify with --tlscacert, --tlscert and --tlskey (clients then need a certificate signed by that CA: ' +
        'docker --tlsverify, or DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH), or listen on a unix socket or a loopback address such as tcp://127.0.0.1:2375',
    );
  }
}
