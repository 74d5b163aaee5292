import { Cid, IM } from '../pdu';
import { attachOf, RequestContext } from '../worker/RequestContext';

/** §6.24 pending offline files of a user (ip_addr_list is msg_server's to fill). */
export async function handleHasOfflineFile(ctx: RequestContext, req: IM.File.IMFileHasOfflineReq): Promise<void> {
  let list: IM.BaseDefine.IOfflineFileInfo[] = [];
  try {
    list = (await ctx.s.files.list(req.userId)).map((f) => ({ fromUserId: f.fromId, taskId: f.taskId ?? '', fileName: f.fileName ?? '', fileSize: f.size }));
  } catch (err) {
    ctx.log.error({ user: req.userId, err: (err as Error).message }, 'offline file list failed');
  }
  ctx.reply(Cid.CID_FILE_HAS_OFFLINE_RES, IM.File.IMFileHasOfflineRsp, {
    userId: req.userId, offlineFileList: list, ipAddrList: [], attachData: attachOf(req),
  });
}

/** §6.25 record an offline file (no reply). */
export async function handleAddOfflineFile(ctx: RequestContext, req: IM.File.IMFileAddOfflineReq): Promise<void> {
  try {
    await ctx.s.files.add(req.fromUserId, req.toUserId, req.taskId, req.fileName, req.fileSize);
  } catch (err) {
    ctx.log.error({ from: req.fromUserId, to: req.toUserId, task: req.taskId, err: (err as Error).message }, 'offline file not recorded');
  }
}

/** §6.26 delete an offline file record (no reply). */
export async function handleDelOfflineFile(ctx: RequestContext, req: IM.File.IMFileDelOfflineReq): Promise<void> {
  try {
    await ctx.s.files.remove(req.fromUserId, req.toUserId, req.taskId);
  } catch (err) {
    ctx.log.error({ from: req.fromUserId, to: req.toUserId, task: req.taskId, err: (err as Error).message }, 'offline file not deleted');
  }
}
