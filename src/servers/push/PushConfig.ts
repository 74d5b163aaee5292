import * as fs from 'node:fs';
import { createPrivateKey, KeyObject } from 'node:crypto';
import type { ConfFile } from '../../conf/ConfFile';
import type { ApnsOptions } from './providers/ApnsProvider';
import type { FcmOptions } from './providers/FcmProvider';
import { DEFAULT_MAX_PARALLEL } from './PushDispatcher';

/**
 * pushserver.conf (edge.md §4.2) plus the rewrite's optional keys. Only ListenIP and ListenPort are
 * required: start-up never depends on credentials or on reaching Apple (edge.md §7 item 24). The
 * legacy CertPath/KeyPath/KeyPassword (binary APNs, retired by Apple) are accepted and ignored.
 *
 * New optional keys:
 *   ApnsKeyPath, ApnsKeyId, ApnsTeamId, ApnsTopic   all four enable APNs (HTTP/2, token auth)
 *   ApnsHost, ApnsPort                              default api.sandbox.push.apple.com (SandBox=1)
 *                                                   or api.push.apple.com (SandBox=0), port 443
 *   FcmServiceAccountPath                           enables FCM HTTP v1 (service-account JSON)
 *   FcmEndpoint                                     default https://fcm.googleapis.com
 *   PushCaPath                                      extra trusted CA (PEM) for both providers
 *   PushTimeout                                     seconds per provider request, default 10
 *   PushLogPath                                     JSON-lines file of undelivered pushes
 *   MaxParallelPushes                               provider requests in flight per push request, default 16
 */
export interface PushConfig {
  listenIp: string;
  listenPort: number;
  apns: ApnsOptions | undefined;
  fcm: FcmOptions | undefined;
  logPath: string | undefined;
  /** `MaxParallelPushes`: provider requests in flight per push request. */
  maxParallel: number;
  /** Legacy keys present in the file: worth one log line saying they are ignored. */
  legacyKeys: string[];
}

const APNS_KEYS = ['ApnsKeyPath', 'ApnsKeyId', 'ApnsTeamId', 'ApnsTopic'] as const;

export function readPushConfig(conf: ConfFile): PushConfig {
  const listenIp = conf.str('ListenIP');
  if (listenIp.includes(';')) throw conf.error('ListenIP', 'one address, not a list');
  const listenPort = conf.port('ListenPort');

  const sandboxRaw = conf.optStr('SandBox', '1');
  if (sandboxRaw !== '0' && sandboxRaw !== '1') throw conf.error('SandBox', `must be 0 or 1, not "${sandboxRaw}"`);
  const timeoutS = conf.optInt('PushTimeout', 10);
  if (timeoutS <= 0) throw conf.error('PushTimeout', 'must be a positive number of seconds');
  const timeoutMs = timeoutS * 1000;
  const maxParallel = conf.optInt('MaxParallelPushes', DEFAULT_MAX_PARALLEL);
  if (maxParallel < 1) throw conf.error('MaxParallelPushes', 'must be at least 1');
  const ca = conf.has('PushCaPath') ? readFile(conf, 'PushCaPath') : undefined;

  let apns: ApnsOptions | undefined;
  const present = APNS_KEYS.filter((k) => conf.has(k));
  if (present.length > 0 && present.length < APNS_KEYS.length) {
    const missing = APNS_KEYS.filter((k) => !conf.has(k));
    throw conf.error(missing[0], `APNs needs ${APNS_KEYS.join(', ')}; missing ${missing.join(', ')}`);
  }
  if (present.length === APNS_KEYS.length) {
    apns = {
      host: conf.optStr('ApnsHost', sandboxRaw === '1' ? 'api.sandbox.push.apple.com' : 'api.push.apple.com'),
      port: conf.optPort('ApnsPort', 443),
      key: readKey(conf, 'ApnsKeyPath', 'ec'),
      keyId: conf.str('ApnsKeyId'),
      teamId: conf.str('ApnsTeamId'),
      topic: conf.str('ApnsTopic'),
      ...(ca ? { ca } : {}),
      timeoutMs,
    };
  }

  let fcm: FcmOptions | undefined;
  if (conf.has('FcmServiceAccountPath')) {
    const text = readFile(conf, 'FcmServiceAccountPath').toString('utf8');
    let sa: Record<string, unknown>;
    try {
      sa = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw conf.error('FcmServiceAccountPath', 'not a JSON service-account file');
    }
    const field = (name: string): string => {
      const v = sa[name];
      if (typeof v !== 'string' || v === '') throw conf.error('FcmServiceAccountPath', `service-account file lacks "${name}"`);
      return v;
    };
    let key: KeyObject;
    try {
      key = createPrivateKey(field('private_key'));
    } catch (err) {
      throw conf.error('FcmServiceAccountPath', `private_key unusable: ${(err as Error).message}`);
    }
    if (key.asymmetricKeyType !== 'rsa') throw conf.error('FcmServiceAccountPath', 'private_key is not an RSA key');
    fcm = {
      projectId: field('project_id'),
      clientEmail: field('client_email'),
      key,
      tokenUri: typeof sa.token_uri === 'string' ? sa.token_uri : 'https://oauth2.googleapis.com/token',
      endpoint: conf.optStr('FcmEndpoint', 'https://fcm.googleapis.com'),
      ...(ca ? { ca } : {}),
      timeoutMs,
    };
  }

  return {
    listenIp,
    listenPort,
    apns,
    fcm,
    logPath: conf.has('PushLogPath') ? conf.str('PushLogPath') : undefined,
    maxParallel,
    legacyKeys: ['CertPath', 'KeyPath', 'KeyPassword'].filter((k) => conf.has(k)),
  };
}

function readFile(conf: ConfFile, key: string): Buffer {
  const p = conf.str(key);
  try {
    return fs.readFileSync(p);
  } catch (err) {
    throw conf.error(key, `cannot read ${p} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function readKey(conf: ConfFile, key: string, type: 'ec'): KeyObject {
  let k: KeyObject;
  try {
    k = createPrivateKey(readFile(conf, key));
  } catch (err) {
    if ((err as Error).name === 'ConfError') throw err;
    throw conf.error(key, `not a private key: ${(err as Error).message}`);
  }
  if (k.asymmetricKeyType !== type) throw conf.error(key, `expected an ${type.toUpperCase()} key (APNs .p8), got ${k.asymmetricKeyType ?? 'unknown'}`);
  return k;
}
