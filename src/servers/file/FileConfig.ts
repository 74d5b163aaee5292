import * as os from 'node:os';
import type { ConfFile } from '../../conf/ConfFile';
import type { Logger } from '../../util/log';

/** fileserver.conf (edge.md §1.2), with the Rewrite's fixes and new optional keys. */
export interface FileConfig {
  clientListenIps: string[];
  clientListenPort: number;
  msgServerListenIp: string;
  msgServerListenPort: number;
  /** Addresses handed to clients (port = the client port); never 0.0.0.0. */
  advertisedIps: string[];
  /** Rewrite: tasks nobody uses are deleted after this long (the original's key was dead code). */
  taskTimeoutMs: number;
  /** New key `OfflineFileDir`: where offline files live (the original: ./offline_file). */
  offlineFileDir: string;
  /** New key `OfflineFileExpireDays`: stored files are deleted after this many days; 0 = never. */
  offlineExpireMs: number;
  /** New key `MaxOfflineFileBytes`: largest offline file accepted at task creation. */
  maxOfflineFileBytes: number;
  /** New key `MinFreeDiskMB` (like msfs'): an upload is refused unless its file leaves this much free. */
  minFreeDiskBytes: number;
}

const DEFAULT_TASK_TIMEOUT_S = 60;
const DEFAULT_OFFLINE_DIR = 'var/offline_file';
const DEFAULT_EXPIRE_DAYS = 7;
/** edge.md §1.13: the uint32 `file_size` is the only limit of the original; the default keeps it. */
const DEFAULT_MAX_OFFLINE_FILE_BYTES = 0xffffffff;
/** The same floor as msfs' MinFreeDiskMB: enough for logs and the database to keep working. */
const DEFAULT_MIN_FREE_DISK_MB = 256;

export function readFileConfig(conf: ConfFile, log: Logger): FileConfig {
  const clientListenIps = conf.ipList('ClientListenIP');
  const msgServerListenIp = conf.str('MsgServerListenIP');
  if (msgServerListenIp.includes(';')) throw conf.error('MsgServerListenIP', 'one address, not a list');
  // Linux fork key; defaults to the listen addresses (edge.md §1.2 Rewrite).
  let advertisedIps = conf.has('FileServerIp') ? conf.ipList('FileServerIp') : clientListenIps;
  if (advertisedIps.includes('0.0.0.0')) {
    // Original bug: clients were told to connect to 0.0.0.0. Advertise the host's address instead.
    const primary = primaryAddress();
    log.warn({ advertised: primary }, 'ClientListenIP is 0.0.0.0 and FileServerIp is not set: advertising the primary address');
    advertisedIps = advertisedIps.map((ip) => (ip === '0.0.0.0' ? primary : ip));
  }
  const taskTimeoutS = conf.optInt('TaskTimeout', DEFAULT_TASK_TIMEOUT_S);
  if (taskTimeoutS <= 0) throw conf.error('TaskTimeout', 'must be a positive number of seconds');
  const expireDays = conf.optInt('OfflineFileExpireDays', DEFAULT_EXPIRE_DAYS);
  if (expireDays < 0) throw conf.error('OfflineFileExpireDays', 'must be 0 (never) or a number of days');
  const maxOfflineFileBytes = conf.optInt('MaxOfflineFileBytes', DEFAULT_MAX_OFFLINE_FILE_BYTES);
  if (maxOfflineFileBytes < 0) throw conf.error('MaxOfflineFileBytes', 'must not be negative');
  const minFreeDiskMb = conf.optInt('MinFreeDiskMB', DEFAULT_MIN_FREE_DISK_MB);
  if (minFreeDiskMb < 0) throw conf.error('MinFreeDiskMB', 'must be 0 (no floor) or a number of MiB');
  return {
    clientListenIps,
    clientListenPort: conf.port('ClientListenPort'),
    msgServerListenIp,
    msgServerListenPort: conf.port('MsgServerListenPort'),
    advertisedIps,
    taskTimeoutMs: taskTimeoutS * 1000,
    offlineFileDir: conf.optStr('OfflineFileDir', DEFAULT_OFFLINE_DIR),
    offlineExpireMs: expireDays * 86_400_000,
    maxOfflineFileBytes,
    minFreeDiskBytes: minFreeDiskMb * 1024 * 1024,
  };
}

function primaryAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
