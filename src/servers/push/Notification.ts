import type { IM } from '../../pdu/gen/im';

/** IM.BaseDefine.ClientType values that own push tokens. */
export const CLIENT_TYPE_IOS = 17;
export const CLIENT_TYPE_ANDROID = 18;

/** push_type 1 = normal (alert + sound), 2 = silent (servers.md §4.14: the user has a PC client online). */
export const PUSH_TYPE_NORMAL = 1;

/**
 * One device to notify, taken from one entry of IMPushToUserReq.user_token_list. Everything was
 * decided upstream (msg_server and db_proxy: who, the alert text, the badge, silent or not, the
 * do-not-disturb and group shield filters); push_server only formats and transmits (edge.md §4.1).
 */
export interface Notification {
  userId: number;
  clientType: number;
  token: string;
  /** Badge number: the user's unread total. */
  badge: number;
  /** Silent pushes update the badge only: no alert text, no sound. */
  silent: boolean;
  /** Alert text (already cut by msg_server). */
  flash: string;
  /** The custom JSON text msg_server built: from_id, msg_type and, for groups, group_id. */
  data: string;
}

export function notificationsOf(req: IM.Server.IIMPushToUserReq): Notification[] {
  return (req.userTokenList ?? []).map((e) => ({
    userId: e.userId,
    clientType: e.userType as number,
    token: e.token,
    badge: e.pushCount,
    // The original sent sound (and the alert) only for push_type 1; anything else is treated as silent.
    silent: e.pushType !== PUSH_TYPE_NORMAL,
    flash: req.flash,
    data: req.data,
  }));
}
