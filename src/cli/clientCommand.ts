/**
 * `tt client`: log in as a TeamTalk client would and, optionally, send one text message and print
 * what arrives. It does what the original C++ test client meant to do (edge.md §5.3) and cannot:
 * ask login_server over HTTP which msg_server to use, connect, log in with the MD5 wire password,
 * then speak the client protocol. Works against this suite and against an original deployment.
 */
import { TtClient } from '../client/TtClient';
import { Cid } from '../pdu/commands';
import { decodeBody } from '../pdu/codec';
import { IM } from '../pdu/gen/im';

export interface ClientCommandOptions {
  loginUrl: string;
  user: string;
  password: string;
  to?: number;
  text?: string;
  listen: number;
  aesKey?: string;
}

/** login_server's reply (protocol.md §5): `port` is a string in the original. */
interface MsgServerAnswer {
  code: number;
  msg?: string;
  priorIP?: string;
  backupIP?: string;
  port?: string | number;
}

export async function askLoginServer(url: string): Promise<{ host: string; port: number }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as MsgServerAnswer;
  if (body.code !== 0 || !body.priorIP || body.port === undefined) {
    throw new Error(`login_server answered code ${body.code}: ${body.msg ?? 'no msg_server'}`);
  }
  return { host: body.priorIP, port: Number(body.port) };
}

export async function clientCommand(o: ClientCommandOptions): Promise<number> {
  const { host, port } = await askLoginServer(o.loginUrl);
  console.log(`login_server says: msg_server ${host}:${port}`);
  const client = await TtClient.connect(host, port, o.aesKey ? { aesKey: o.aesKey } : {});
  try {
    const res = await client.login(o.user, o.password);
    if (res.resultCode !== 0) {
      console.log(`login refused: result ${res.resultCode} ${res.resultString ?? ''}`);
      return 1;
    }
    const me = res.userInfo!;
    console.log(`logged in as ${me.userNickName} (user id ${me.userId})`);
    if (o.to !== undefined && o.text !== undefined) {
      const ack = await client.sendText(o.to, o.text);
      console.log(`sent to ${o.to}: stored as msg ${ack.msgId}`);
    }
    const until = Date.now() + o.listen * 1000;
    while (Date.now() < until) {
      try {
        const { msg, text } = await client.receiveText(undefined, Math.max(1, until - Date.now()));
        client.ackDelivery(msg);
        console.log(`message ${msg.msgId} from ${msg.fromUserId}: ${text}`);
      } catch {
        break; // the wait timed out: listening is over
      }
    }
    for (const p of client.inbox) {
      if (p.header.commandId === Cid.CID_BUDDY_LIST_STATUS_NOTIFY) {
        const n = decodeBody(IM.Buddy.IMUserStatNotify, p);
        console.log(`presence: user ${n.userStat.userId} status ${n.userStat.status}`);
      }
    }
    return 0;
  } finally {
    await client.close();
  }
}
