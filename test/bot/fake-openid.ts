/**
 * A fake OpenID Connect issuer on 127.0.0.1: metadata plus a JWKS with one RSA key we generate,
 * so tests can mint Bot Framework channel tokens that the real botframework-connector validation
 * accepts, and forge ones it must refuse.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
const KEY_ID = 'resolve-test-key';

export interface FakeOpenId {
  /** Give this to the adapter as the channel OpenID metadata URL. */
  readonly metadataUrl: string;
  /** A signed RS256 token. `signWith` substitutes another private key (a forgery). */
  token(claims: Record<string, unknown>, options?: { readonly signWith?: KeyObject; readonly keyId?: string }): string;
  close(): Promise<void>;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function newPrivateKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

export async function startFakeOpenId(): Promise<FakeOpenId> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  let origin = '';
  const server = createServer((req, res) => {
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer: BOT_FRAMEWORK_ISSUER, jwks_uri: `${origin}/keys`, id_token_signing_alg_values_supported: ['RS256'] }
        : req.url === '/keys'
          ? { keys: [{ kty: 'RSA', use: 'sig', kid: KEY_ID, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }
          : undefined;
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    metadataUrl: `${origin}/.well-known/openid-configuration`,
    token: (claims, options = {}) => {
      const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: options.keyId ?? KEY_ID }));
      const payload = base64url(JSON.stringify(claims));
      const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), options.signWith ?? privateKey);
      return `${header}.${payload}.${base64url(signature)}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Claims of a valid channel token for this app and service URL, issued now. */
export function channelClaims(appId: string, serviceUrl: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return { iss: BOT_FRAMEWORK_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: nowSeconds - 60, iat: nowSeconds - 60, exp: nowSeconds + 3600 };
}
