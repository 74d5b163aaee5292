import { IM } from '../../pdu/gen/im';
import { Cid } from '../../pdu/commands';
import { encodeBody } from '../../pdu/codec';
import { encodeFrame } from '../../pdu/Pdu';
import type { QueryContext, QueryCall, QueryReply } from './QueryContext';
import { QueryCode, QueryError, QUERY_MESSAGES } from './QueryError';
import { requireReqUserId, uintField, uintListField } from './QueryFields';
import { askDbProxy, attachFor, requireDbProxy } from './askDbProxy';

/**
 * POST /query/ChangeMembers (edge.md §3.7): {req_user_id, group_id, modify_type 1 add | 2 remove,
 * user_id_list} -> db_proxy CID_GROUP_CHANGE_MEMBER_REQUEST as user 0 -> {error_code, error_msg};
 * on success CID_GROUP_CHANGE_MEMBER_NOTIFY goes to the master route link, which relays it to every
 * msg_server for delivery to the members (servers.md §4.12).
 */
export async function changeMembers(ctx: QueryContext, call: QueryCall): Promise<QueryReply> {
  requireDbProxy(ctx);
  const json = call.common.json;
  requireReqUserId(call.common);
  const groupId = uintField(json, 'group_id');
  const modifyType = uintField(json, 'modify_type');
  const members = uintListField(json, 'user_id_list', ctx.config.maxMemberCount);
  if (modifyType !== IM.BaseDefine.GroupModifyType.GROUP_MODIFY_TYPE_ADD && modifyType !== IM.BaseDefine.GroupModifyType.GROUP_MODIFY_TYPE_DEL) {
    throw new QueryError(QueryCode.PARAM, `modify_type ${modifyType} is neither 1 nor 2`);
  }

  const body = encodeBody(IM.Group.IMGroupChangeMemberReq, {
    userId: 0,
    changeType: modifyType as IM.BaseDefine.GroupModifyType,
    groupId,
    memberIdList: members,
    attachData: attachFor(call.handle),
  });
  const rsp = await askDbProxy(ctx, call.handle, Cid.CID_GROUP_CHANGE_MEMBER_REQUEST, body, Cid.CID_GROUP_CHANGE_MEMBER_RESPONSE);
  if (rsp.resultCode !== 0) {
    ctx.log.info({ groupId, resultCode: rsp.resultCode }, 'db_proxy refused the member change');
    return { error_code: QueryCode.CHANGE_MEMBERS_FAILED, error_msg: QUERY_MESSAGES[QueryCode.CHANGE_MEMBERS_FAILED] };
  }

  const notify = encodeBody(IM.Group.IMGroupChangeMemberNotify, {
    userId: rsp.userId,
    changeType: rsp.changeType,
    groupId: rsp.groupId,
    curUserIdList: rsp.curUserIdList,
    chgUserIdList: rsp.chgUserIdList,
  });
  const relayed = ctx.route.sendMaster(encodeFrame(Cid.CID_GROUP_CHANGE_MEMBER_NOTIFY, notify));
  if (!relayed) ctx.log.warn({ groupId }, 'no route_server link open: members are not told about the change');
  ctx.log.info({ groupId, modifyType, changed: rsp.chgUserIdList.length, relayed }, 'group members changed');
  return { error_code: QueryCode.OK, error_msg: QUERY_MESSAGES[QueryCode.OK] };
}
