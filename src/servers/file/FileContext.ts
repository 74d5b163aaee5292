import type { HandlerTable } from '../../net/HandlerTable';
import type { Logger } from '../../util/log';
import type { FileClientConn } from './FileClientConn';
import type { LoginThrottle } from './LoginThrottle';
import type { MsgLinkConn } from './MsgLinkConn';
import type { OfflineStore } from './OfflineStore';
import type { TaskTable } from './TaskTable';

/** The offline store's admission limits (fileserver.conf `MaxOfflineFileBytes`, `MinFreeDiskMB`). */
export interface OfflineLimits {
  /** Offline task creation is refused for a larger `file_size`. */
  maxFileBytes: number;
  /** An upload is refused unless the file system keeps this many bytes free after storing it; 0 = no floor. */
  minFreeDiskBytes: number;
}

export interface AdvertisedAddr {
  ip: string;
  port: number;
}

/** What every file_server connection and handler shares: the one process-wide state. */
export interface FileContext {
  readonly log: Logger;
  readonly tasks: TaskTable;
  readonly store: OfflineStore;
  readonly throttle: LoginThrottle;
  readonly limits: OfflineLimits;
  /** The addresses msg_server hands to clients (edge.md §1.4); filled in once the port is bound. */
  advertised: AdvertisedAddr[];
  readonly clientHandlers: HandlerTable<FileClientConn>;
  readonly msgHandlers: HandlerTable<MsgLinkConn>;
}
