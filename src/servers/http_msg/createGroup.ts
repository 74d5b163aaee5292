import { IM } from '../../pdu/gen/im';
import { Cid } from '../../pdu/commands';
import { encodeBody } from '../../pdu/codec';
import type { QueryContext, QueryCall, QueryReply } from './QueryContext';
import { QueryCode, QueryError, QUERY_MESSAGES } from './QueryError';
import { requireReqUserId, stringField, uintField, uintListField } from './QueryFields';
import { askDbProxy, attachFor, requireDbProxy } from './askDbProxy';

/**
 * POST /query/CreateGroup (edge.md §3.6): {req_user_id, group_name, group_type 1|2, group_avatar,
 * user_id_list} -> db_proxy CID_GROUP_CREATE_REQUEST as user 0 -> {error_code, error_msg, group_id}.
 * The creator is not added to the members; nobody is notified (as in the original).
 */
export async function createGroup(ctx: QueryContext, call: QueryCall): Promise<QueryReply> {
  requireDbProxy(ctx);
  const json = call.common.json;
  requireReqUserId(call.common);
  const groupName = stringField(json, 'group_name');
  const groupType = uintField(json, 'group_type');
  const groupAvatar = stringField(json, 'group_avatar');
  const members = uintListField(json, 'user_id_list', ctx.config.maxMemberCount);
  if (groupType !== IM.BaseDefine.GroupType.GROUP_TYPE_NORMAL && groupType !== IM.BaseDefine.GroupType.GROUP_TYPE_TMP) {
    throw new QueryError(QueryCode.PARAM, `group_type ${groupType} is neither 1 nor 2`);
  }

  const body = encodeBody(IM.Group.IMGroupCreateReq, {
    userId: 0,
    groupType: groupType as IM.BaseDefine.GroupType,
    groupName,
    groupAvatar,
    memberIdList: members,
    attachData: attachFor(call.handle),
  });
  const rsp = await askDbProxy(ctx, call.handle, Cid.CID_GROUP_CREATE_REQUEST, body, Cid.CID_GROUP_CREATE_RESPONSE);
  if (rsp.resultCode !== 0) {
    ctx.log.info({ groupName, resultCode: rsp.resultCode }, 'db_proxy refused to create the group');
    return { error_code: QueryCode.CREATE_GROUP_FAILED, error_msg: QUERY_MESSAGES[QueryCode.CREATE_GROUP_FAILED], group_id: 0 };
  }
  ctx.log.info({ groupId: rsp.groupId, groupName, members: members.length }, 'group created');
  return { error_code: QueryCode.OK, error_msg: QUERY_MESSAGES[QueryCode.OK], group_id: rsp.groupId };
}
