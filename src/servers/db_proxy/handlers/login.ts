import { passwordMatches } from '../../../pdu/crypto';
import { Cid, IM } from '../pdu';
import { attachOf, RequestContext } from '../worker/RequestContext';
import { userInfo } from '../models/UserModel';
import { validateLookup } from './ValidateLookup';

/** Result strings exactly as the original (db_proxy.md §6.1). */
export const LOGIN_OK = '成功';
export const LOGIN_BAD = '用户名/密码错误';
export const LOGIN_LOCKED = '用户名/密码错误次数太多';
export const LOGIN_INTERNAL = '服务端内部错误';

/** §6.1 CID_OTHER_VALIDATE_REQ: the InterLogin strategy, parameterised, with the failure throttle. */
export async function handleValidate(ctx: RequestContext, req: IM.Server.IMValidateReq): Promise<void> {
  const rsp = (resultCode: number, resultString: string, info?: IM.BaseDefine.IUserInfo): void =>
    ctx.reply(Cid.CID_OTHER_VALIDATE_RSP, IM.Server.IMValidateRsp, {
      userName: req.userName, resultCode, resultString, ...(info ? { userInfo: info } : {}), attachData: attachOf(req),
    });
  const { throttle, slave } = ctx.s;
  if (throttle.locked(req.userName)) {
    ctx.log.warn({ name: req.userName }, 'login refused: too many failures');
    rsp(6, LOGIN_LOCKED);
    return;
  }
  let row;
  try {
    // Batched with the other logins in flight (ValidateLookup): same rows as UserModel.activeByName.
    row = await validateLookup(slave).activeByName(req.userName);
  } catch (err) {
    // Rewrite: a database failure is not a wrong password; it does not count as a failure either.
    ctx.log.error({ name: req.userName, err: (err as Error).message }, 'login lookup failed');
    rsp(2, LOGIN_INTERNAL);
    return;
  }
  if (row && passwordMatches(req.password, row.salt ?? '', row.password ?? '')) {
    throttle.succeed(req.userName);
    rsp(0, LOGIN_OK, userInfo(row, 0));
    return;
  }
  throttle.fail(req.userName);
  rsp(1, LOGIN_BAD);
}

/**
 * A validate body that does not parse: code 2 (§6.1 step 6). Rewrite: `user_name` is sent empty
 * so the reply parses (the original left the required field out and msg_server dropped it).
 */
export function validateUnparsable(ctx: RequestContext): void {
  ctx.reply(Cid.CID_OTHER_VALIDATE_RSP, IM.Server.IMValidateRsp, { userName: '', resultCode: 2, resultString: LOGIN_INTERNAL });
}
