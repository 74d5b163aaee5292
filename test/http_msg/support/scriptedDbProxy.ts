import { IM } from '../../../src/pdu/gen/im';
import { Cid } from '../../../src/pdu/commands';
import { encodeBody } from '../../../src/pdu/codec';
import { encodeFrame } from '../../../src/pdu/Pdu';
import type { FakePeer } from './FakePeer';

export interface Script {
  createResult?: number;
  groupId?: number;
  changeResult?: number;
  /** members after a change */
  current?: number[];
  /** stay silent (db_proxy's behaviour for an unknown group) */
  silent?: boolean;
}

/** Makes a FakePeer answer the two group requests the way db_proxy does (attach_data echoed). */
export function scriptDbProxy(db: FakePeer, script: Script): void {
  db.onPdu = (r) => {
    if (script.silent) return;
    const cid = r.pdu.header.commandId;
    if (cid === Cid.CID_GROUP_CREATE_REQUEST) {
      const req = r.pdu.message as IM.Group.IMGroupCreateReq;
      const ok = (script.createResult ?? 0) === 0;
      db.send(r.socket, encodeFrame(Cid.CID_GROUP_CREATE_RESPONSE, encodeBody(IM.Group.IMGroupCreateRsp, {
        userId: req.userId, resultCode: script.createResult ?? 0, groupId: ok ? script.groupId ?? 1 : 0,
        groupName: req.groupName, userIdList: req.memberIdList, attachData: req.attachData,
      })));
    }
    if (cid === Cid.CID_GROUP_CHANGE_MEMBER_REQUEST) {
      const req = r.pdu.message as IM.Group.IMGroupChangeMemberReq;
      const ok = (script.changeResult ?? 0) === 0;
      db.send(r.socket, encodeFrame(Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE, encodeBody(IM.Group.IMGroupChangeMemberRsp, {
        userId: req.userId, changeType: req.changeType, resultCode: script.changeResult ?? 0, groupId: req.groupId,
        curUserIdList: ok ? script.current ?? [] : [], chgUserIdList: ok ? req.memberIdList : [], attachData: req.attachData,
      })));
    }
  };
}
