/**
 * Key material for the interop suites: RSA key pairs written as PEM files (Django reads key
 * paths, the service takes the public PEM) and a tiny JWKS server on 127.0.0.1.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, importSPKI, type JWK } from 'jose';

export interface RsaKeyFiles {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly privateKeyPath: string;
  readonly publicKeyPath: string;
}

/** A 2048-bit RSA key pair, PKCS#8 private and SPKI public, written to `dir` as `<name>.pem` files. */
export async function writeRsaKeyPair(dir: string, name: string): Promise<RsaKeyFiles> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const privateKeyPath = join(dir, `${name}-private.pem`);
  const publicKeyPath = join(dir, `${name}-public.pem`);
  await writeFile(privateKeyPath, privateKey, { mode: 0o600 });
  await writeFile(publicKeyPath, publicKey);
  return { privateKeyPem: privateKey, publicKeyPem: publicKey, privateKeyPath, publicKeyPath };
}

/** The public key as a JWKS member, the way an identity provider publishes it. */
export async function publicJwk(publicKeyPem: string, kid: string): Promise<JWK> {
  const jwk = await exportJWK(await importSPKI(publicKeyPem, 'RS256', { extractable: true }));
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

export interface JwksServer {
  readonly url: string;
  /** How many times the document was fetched. */
  readonly hits: () => number;
  stop(): Promise<void>;
}

/** Serves `{ keys }` at /.well-known/jwks.json on a free 127.0.0.1 port. */
export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let hits = 0;
  const server: Server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    hits += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
