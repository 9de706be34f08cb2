// Bearer tokens: JWTs signed by a token issuer whose certificate (or a CA of it) is configured,
// carrying per-repository grants in an `access` claim, the format docker's token auth uses.
import { X509Certificate, constants, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface AccessGrant {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  access?: AccessGrant[];
}

/** Clock skew tolerated on exp/nbf. */
const LEEWAY_S = 60;

function b64url(s: string): Buffer {
  return Buffer.from(s, 'base64url');
}

function loadBundle(path: string): { certs: X509Certificate[]; keys: KeyObject[] } {
  const pem = readFileSync(path, 'utf8');
  const certs: X509Certificate[] = [];
  const keys: KeyObject[] = [];
  for (const m of pem.matchAll(/-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g)) {
    if (m[1] === 'CERTIFICATE') {
      const c = new X509Certificate(m[0]);
      certs.push(c);
      keys.push(c.publicKey);
    } else if (m[1] === 'PUBLIC KEY') {
      keys.push(createPublicKey(m[0]));
    }
  }
  if (keys.length === 0) throw new Error(`no certificate or public key in ${path}`);
  return { certs, keys };
}

function checkSignature(alg: string, key: KeyObject, data: Buffer, sig: Buffer): boolean {
  const hash = { '256': 'sha256', '384': 'sha384', '512': 'sha512' }[alg.slice(2)];
  try {
    if (alg === 'EdDSA') return verifySignature(null, data, key, sig);
    if (hash === undefined) return false;
    if (alg.startsWith('RS')) return verifySignature(hash, data, key, sig);
    if (alg.startsWith('PS')) {
      return verifySignature(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, sig);
    }
    if (alg.startsWith('ES')) return verifySignature(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
  } catch {
    return false;
  }
  return false;
}

export class TokenVerifier {
  private readonly certs: X509Certificate[];
  private readonly keys: KeyObject[];

  constructor(readonly issuer: string, readonly service: string, rootCertBundle: string) {
    ({ certs: this.certs, keys: this.keys } = loadBundle(rootCertBundle));
  }

  /** Signing keys the token may use: its x5c chain when that chains to the bundle, else the bundle's keys. */
  private candidateKeys(header: Record<string, unknown>): KeyObject[] {
    const x5c = header['x5c'];
    if (!Array.isArray(x5c) || x5c.length === 0) return this.keys;
    const chain = x5c.map((c) => new X509Certificate(Buffer.from(String(c), 'base64')));
    for (let i = 0; i + 1 < chain.length; i++) if (!chain[i]!.verify(chain[i + 1]!.publicKey)) return [];
    const top = chain[chain.length - 1]!;
    const trusted = this.certs.some((c) => c.fingerprint256 === top.fingerprint256 || top.verify(c.publicKey));
    return trusted ? [chain[0]!.publicKey] : [];
  }

  /** The claims of a valid token, or undefined when it is malformed, forged, expired or not for us. */
  verify(token: string, now = Date.now() / 1000): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let header: Record<string, unknown>;
    let claims: TokenClaims;
    try {
      header = JSON.parse(b64url(parts[0]!).toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(b64url(parts[1]!).toString('utf8')) as TokenClaims;
    } catch {
      return undefined;
    }
    const alg = header['alg'];
    if (typeof alg !== 'string' || alg === 'none') return undefined;
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const sig = b64url(parts[2]!);
    let keys: KeyObject[];
    try {
      keys = this.candidateKeys(header);
    } catch {
      return undefined;
    }
    if (!keys.some((k) => checkSignature(alg, k, data, sig))) return undefined;
    if (claims.iss !== this.issuer) return undefined;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(this.service)) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp + LEEWAY_S < now) return undefined;
    if (typeof claims.nbf === 'number' && claims.nbf - LEEWAY_S > now) return undefined;
    return claims;
  }
}
