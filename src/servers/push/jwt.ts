import { KeyObject, sign } from 'node:crypto';

const b64 = (o: object): string => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');

/**
 * A compact JWS. ES256 signatures are the raw r||s pair JOSE expects (node's default is DER, which
 * APNs rejects); RS256 is PKCS#1 v1.5 as Google's OAuth2 endpoint expects.
 */
export function signJwt(alg: 'ES256' | 'RS256', header: Record<string, string>, claims: Record<string, string | number>, key: KeyObject): string {
  const input = `${b64({ alg, typ: 'JWT', ...header })}.${b64(claims)}`;
  const sig = alg === 'ES256'
    ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', Buffer.from(input), key);
  return `${input}.${sig.toString('base64url')}`;
}
