import { IM } from '../../../src/pdu/gen/im';
import { Cid } from '../../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../../src/pdu/codec';
import { start, RouteServer } from '../../../src/servers/route';
import { writeTestConf } from '../../helpers';
import { PduPeer } from './PduPeer';

export const WINDOWS = IM.BaseDefine.ClientType.CLIENT_TYPE_WINDOWS;
export const MAC = IM.BaseDefine.ClientType.CLIENT_TYPE_MAC;
export const IOS = IM.BaseDefine.ClientType.CLIENT_TYPE_IOS;
export const ANDROID = IM.BaseDefine.ClientType.CLIENT_TYPE_ANDROID;
export const ONLINE = 1;
export const OFFLINE = 2;

/** A route_server on a free loopback port plus the fake msg_servers connected to it. */
export class RouteHarness {
  readonly peers: PduPeer[] = [];
  private barrierSeq = 1000;

  private constructor(readonly server: RouteServer) {}

  static async start(): Promise<RouteHarness> {
    return new RouteHarness(await start({ confPath: writeTestConf('route', { ListenIP: '127.0.0.1' }) }));
  }

  /** Connect a fake msg_server and wait until route_server has accepted it. */
  async peer(): Promise<PduPeer> {
    const p = await PduPeer.connect(this.server.ports['msg']!);
    this.peers.push(p);
    await this.barrier(p);
    return p;
  }

  /** A status update as msg_server sends it on a login (1) or a close (2). */
  status(p: PduPeer, userId: number, userStatus: number, clientType: number): void {
    p.send(Cid.CID_OTHER_USER_STATUS_UPDATE, encodeBody(IM.Server.IMUserStatusUpdate, { userStatus, userId, clientType }));
  }

  onlineInfo(p: PduPeer, list: Array<[userId: number, status: number, clientType: number]>): void {
    p.send(Cid.CID_OTHER_ONLINE_USER_INFO, encodeBody(IM.Server.IMOnlineUserInfo, {
      userStatList: list.map(([userId, status, clientType]) => ({ userId, status, clientType })),
    }));
  }

  /**
   * Ask route_server for statuses over `p` and wait for the answer: everything `p` sent before has
   * been handled, and everything route_server sent to anyone because of it is already written.
   */
  async query(p: PduPeer, ids: number[]): Promise<Map<number, number>> {
    const seq = ++this.barrierSeq;
    p.send(Cid.CID_BUDDY_LIST_USERS_STATUS_REQUEST, encodeBody(IM.Buddy.IMUsersStatReq, { userId: 0, userIdList: ids }), { seq });
    const rsp = await p.next(Cid.CID_BUDDY_LIST_USERS_STATUS_RESPONSE, 2000, (r) => r.header.seq === seq);
    const body = decodeBody(IM.Buddy.IMUsersStatRsp, rsp.body);
    return new Map(body.userStatList.map((s) => [s.userId, s.status]));
  }

  async barrier(p: PduPeer): Promise<void> {
    await this.query(p, []);
  }

  /** Barrier on every peer, so the notifies caused by earlier input have reached all of them. */
  async settle(): Promise<void> {
    for (const p of this.peers) if (!p.isEnded) await this.barrier(p);
  }

  async stop(): Promise<void> {
    for (const p of this.peers) p.close();
    await this.server.stop();
  }
}

/** A PDU reduced to what the notify tests compare: command and decoded body. */
export function describeNotify(cid: number, body: Buffer): string {
  if (cid === Cid.CID_OTHER_LOGIN_STATUS_NOTIFY) {
    const m = decodeBody(IM.Server.IMServerPCLoginStatusNotify, body);
    return `pc-login u${m.userId}=${m.loginStatus}`;
  }
  if (cid === Cid.CID_BUDDY_LIST_STATUS_NOTIFY) {
    const m = decodeBody(IM.Buddy.IMUserStatNotify, body);
    return `buddy u${m.userStat.userId}=${m.userStat.status === ONLINE ? 'online' : m.userStat.status === OFFLINE ? 'offline' : m.userStat.status}`;
  }
  return `cid 0x${cid.toString(16)}`;
}
