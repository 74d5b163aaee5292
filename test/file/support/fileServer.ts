import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { start, FileServer } from '../../../src/servers/file/index';
import { writeTestConf } from '../../helpers';
import type { ConfOverrides } from '../../helpers';
import { IM } from '../../../src/pdu/gen/im';
import { Cid } from '../../../src/pdu/commands';
import { decodeBody, encodeBody } from '../../../src/pdu/codec';
import type { Logger } from '../../../src/util/log';
import { PduClient } from './PduClient';

export interface FileServerUnderTest {
  server: FileServer;
  storeDir: string;
  /** A scripted msg_server on port 8601. */
  link: PduClient;
  stop(): Promise<void>;
}

/** A file_server on port 0 storing under a fresh temporary directory, with a msg_server link open. */
export async function startFileServer(overrides: ConfOverrides = {}, opts: { log?: Logger } = {}): Promise<FileServerUnderTest> {
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-file-store-'));
  const confPath = writeTestConf('file', { OfflineFileDir: storeDir, ...overrides });
  const server = await start({ confPath, ...(opts.log ? { log: opts.log } : {}) });
  const link = await PduClient.connect(server.ports.msg!);
  return {
    server,
    storeDir,
    link,
    async stop() {
      link.close();
      await server.stop();
      fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

export interface CreatedTask {
  taskId: string;
  rsp: IM.Server.IMFileTransferRsp;
}

/** Ask file_server for a task the way msg_server does (edge.md §1.6). */
export async function createTask(link: PduClient, req: { from: number; to: number; name: string; size: number; mode: number }, seq = 7): Promise<CreatedTask> {
  link.send(Cid.CID_OTHER_FILE_TRANSFER_REQ, encodeBody(IM.Server.IMFileTransferReq, {
    fromUserId: req.from, toUserId: req.to, fileName: req.name, fileSize: req.size, transMode: req.mode,
  }), { seq });
  const p = await link.next(Cid.CID_OTHER_FILE_TRANSFER_RSP);
  const rsp = decodeBody(IM.Server.IMFileTransferRsp, p.body);
  return { taskId: rsp.taskId, rsp };
}

/** Connect a file client and log it in; returns the client and the login result code. */
export async function fileLogin(port: number, userId: number, taskId: string, role: number, seq = 3): Promise<{ client: PduClient; result: number; seq: number }> {
  const client = await PduClient.connect(port);
  client.send(Cid.CID_FILE_LOGIN_REQ, encodeBody(IM.File.IMFileLoginReq, { userId, taskId, fileRole: role }), { seq });
  const p = await client.next(Cid.CID_FILE_LOGIN_RES);
  const rsp = decodeBody(IM.File.IMFileLoginRsp, p.body);
  return { client, result: rsp.resultCode, seq: p.header.seq };
}

/** Files (not directories) under `dir`, recursively, with their sizes. */
export function storedFiles(dir: string): Array<{ path: string; size: number }> {
  const out: Array<{ path: string; size: number }> = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else out.push({ path: p, size: fs.statSync(p).size });
    }
  };
  walk(dir);
  return out;
}

/** Poll until `cond` holds or fail after `timeoutMs`. */
export async function eventually(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
