import { IM } from '../../pdu/gen/im';
import { Cid } from '../../pdu/commands';
import { encodeBody } from '../../pdu/codec';
import { encodeFrame } from '../../pdu/Pdu';
import type { Logger } from '../../util/log';
import { UserTable, isPcType, USER_STATUS_OFFLINE, USER_STATUS_ONLINE, LostPresence, UpdateOutcome } from './UserTable';

/** What the hub needs of a link: somewhere to write frames. RouteLink implements it. */
export interface HubLink {
  readonly id: number;
  readonly closed: boolean;
  sendRaw(frame: Uint8Array): boolean;
}

/**
 * The shared state of one route_server: every accepted link (msg_servers and http_msg_servers alike,
 * servers.md §5.2) and the presence table, plus the two things done with them: broadcasting
 * (§5.6) and the presence notifications of §5.4.
 */
export class RouteHub<L extends HubLink = HubLink> {
  readonly links = new Set<L>();
  readonly users = new UserTable<L>();

  constructor(private readonly log: Logger) {}

  add(link: L): void {
    this.links.add(link);
  }

  /**
   * servers.md §5.8: forget the link and its users' terminals.
   * Rewrite (§6.8): users who thereby lost their last PC terminal are announced offline to the
   * remaining links with the same two notifies a normal PC logout produces (§5.4); the original sent
   * nothing, so other msg_servers' clients showed them online until route_server restarted.
   */
  remove(link: L): void {
    if (!this.links.delete(link)) return;
    const lost = this.users.removeLink(link);
    for (const u of lost) this.announceLost(u);
    if (lost.length > 0) this.log.info({ link: link.id, users: lost.length }, 'link gone; announced its PC users offline');
  }

  /** Every link, except `except` when given (relays do not go back to their sender, §5.5). */
  broadcast(frame: Uint8Array, except?: L): void {
    // Copy: a write may close a slow consumer, which removes it from the set (and may broadcast).
    for (const link of [...this.links]) {
      if (link !== except && !link.closed) link.sendRaw(frame);
    }
  }

  /** servers.md §5.3 + §5.4: apply a status update from `link` and send the resulting notifies. */
  statusUpdate(link: L, userId: number, status: number, clientType: number): UpdateOutcome {
    const outcome = this.users.apply(link, userId, status, clientType);
    const offline = status === USER_STATUS_OFFLINE;
    const pc = isPcType(clientType);

    // 1. PC login status notify (msg_servers forward it to the user's mobile terminals).
    if (outcome.exists) {
      if (offline ? pc && !outcome.hasPc : outcome.hasPc) {
        this.broadcast(pcLoginStatusFrame(userId, offline ? 0 : 1));
      }
    }
    // 2. Buddy status notify, PC terminals only; a user keeps looking online while a PC remains.
    if (pc && !(offline && outcome.hasPc)) {
      this.broadcast(buddyStatusFrame(userId, notifiedStatus(status)));
    }
    return outcome;
  }

  private announceLost(u: LostPresence): void {
    if (u.exists) this.broadcast(pcLoginStatusFrame(u.userId, 0));
    this.broadcast(buddyStatusFrame(u.userId, USER_STATUS_OFFLINE));
  }
}

/**
 * The original echoes the received status into IMUserStatNotify. The field is a required enum there,
 * so a value outside UserStatType would make every client's parser reject the PDU; such a value (any
 * "online" the peer spelt oddly) is announced as ONLINE instead.
 */
function notifiedStatus(status: number): number {
  return status === USER_STATUS_OFFLINE || status === IM.BaseDefine.UserStatType.USER_STATUS_LEAVE || status === USER_STATUS_ONLINE
    ? status
    : USER_STATUS_ONLINE;
}

function pcLoginStatusFrame(userId: number, loginStatus: number): Buffer {
  const body = encodeBody(IM.Server.IMServerPCLoginStatusNotify, { userId, loginStatus });
  return encodeFrame(Cid.CID_OTHER_LOGIN_STATUS_NOTIFY, body);
}

function buddyStatusFrame(userId: number, status: number): Buffer {
  const body = encodeBody(IM.Buddy.IMUserStatNotify, { userStat: { userId, status } });
  return encodeFrame(Cid.CID_BUDDY_LIST_STATUS_NOTIFY, body);
}
