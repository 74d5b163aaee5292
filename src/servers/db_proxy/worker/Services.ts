import type { Logger } from '../../../util/log';
import { MsgCipher } from '../../../pdu/crypto';
import type { DbProxyConfig } from '../DbProxyConfig';
import { Mysql } from './Mysql';
import { RedisRoles } from './RedisRoles';
import { RelationModel } from '../models/RelationModel';
import { SessionModel } from '../models/SessionModel';
import { MessageModel } from '../models/MessageModel';
import { MessageStore } from '../models/MessageStore';
import { MsgIdAllocator } from '../models/MsgIdAllocator';
import { UnreadCounter } from '../models/UnreadCounter';
import { UserModel } from '../models/UserModel';
import { DepartModel } from '../models/DepartModel';
import { GroupModel } from '../models/GroupModel';
import { GroupSettings } from '../models/GroupSettings';
import { DeviceTokenModel } from '../models/DeviceTokenModel';
import { FileModel } from '../models/FileModel';
import { AudioModel } from '../models/AudioModel';
import { LoginThrottle } from '../models/LoginThrottle';

/** Everything a handler may use inside one worker: its pools, clients and models. */
export class Services {
  readonly master: Mysql;
  readonly slave: Mysql;
  readonly redis: RedisRoles;
  readonly relations: RelationModel;
  readonly sessions: SessionModel;
  readonly messages: MessageModel;
  readonly store: MessageStore;
  readonly msgIds: MsgIdAllocator;
  readonly unread: UnreadCounter;
  readonly users: UserModel;
  readonly departs: DepartModel;
  readonly groups: GroupModel;
  readonly groupSettings: GroupSettings;
  readonly tokens: DeviceTokenModel;
  readonly files: FileModel;
  readonly audio: AudioModel;
  readonly throttle = new LoginThrottle();
  /** `[语音]` encrypted with aesKey: what session and unread lists show for audio (§1 step 6). */
  readonly audioPlaceholder: Buffer;

  constructor(readonly cfg: DbProxyConfig, private readonly workers: number, readonly log: Logger) {
    // Divide each pool bound among the workers so the process stays within the configured limit.
    const share = (max: number): number => Math.max(1, Math.floor(max / workers));
    this.master = new Mysql(cfg.master, share(cfg.master.maxConn), cfg.mysqlAcquireTimeoutMs, cfg.mysqlStatementTimeoutMs, log);
    this.slave = new Mysql(cfg.slave, share(cfg.slave.maxConn), cfg.mysqlAcquireTimeoutMs, cfg.mysqlStatementTimeoutMs, log);
    this.redis = new RedisRoles(cfg.redis, cfg.redisCommandTimeoutMs, log);
    this.relations = new RelationModel(this.master, this.slave, this.redis);
    this.sessions = new SessionModel(this.master, this.slave);
    this.messages = new MessageModel(this.slave);
    this.store = new MessageStore(this.master, this.redis, cfg.msgBatchMax, log);
    this.msgIds = new MsgIdAllocator(this.master, this.redis);
    this.unread = new UnreadCounter(this.redis);
    this.users = new UserModel(this.master, this.slave);
    this.departs = new DepartModel(this.slave);
    this.groups = new GroupModel(this.master, this.slave, this.redis, log);
    this.groupSettings = new GroupSettings(this.redis);
    this.tokens = new DeviceTokenModel(this.redis);
    this.files = new FileModel(this.master, this.slave);
    this.audio = new AudioModel(this.master, this.slave, cfg.msfsSite, log);
    this.audioPlaceholder = new MsgCipher(cfg.aesKey).encrypt('[语音]');
  }

  /** Open the MySQL pools' connections ahead of traffic (never rejects). */
  async warm(): Promise<void> {
    const share = (max: number): number => Math.max(1, Math.floor(max / this.workers));
    await Promise.all([this.master.warm(share(this.cfg.master.maxConn)), this.slave.warm(share(this.cfg.slave.maxConn))]);
  }

  async close(): Promise<void> {
    await Promise.all([this.master.close(), this.slave.close(), this.redis.close()]);
  }
}
