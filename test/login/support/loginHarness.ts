import * as net from 'node:net';
import { IM } from '../../../src/pdu/gen/im';
import { Cid } from '../../../src/pdu/commands';
import { encodeBody } from '../../../src/pdu/codec';
import { start, LoginServer } from '../../../src/servers/login';
import { writeTestConf, ConfOverrides } from '../../helpers';
import { PduPeer } from '../../route/support/PduPeer';

export { PduPeer };

export interface FakeMsgServer {
  ip1: string;
  ip2: string;
  port: number;
  maxConnCnt: number;
  curConnCnt: number;
  hostName?: string;
}

/** A login_server on free loopback ports, and the fake msg_servers and clients talking to it. */
export class LoginHarness {
  private readonly peers: PduPeer[] = [];

  private constructor(readonly server: LoginServer) {}

  static async start(overrides: ConfOverrides = {}): Promise<LoginHarness> {
    return new LoginHarness(await start({ confPath: writeTestConf('login', overrides) }));
  }

  /** Connect a fake msg_server and register it; resolves once login_server has the record. */
  async register(info: FakeMsgServer): Promise<PduPeer> {
    const p = await this.connect('msgServer');
    const before = this.server.registry.size;
    p.send(Cid.CID_OTHER_MSG_SERV_INFO, encodeBody(IM.Server.IMMsgServInfo, { hostName: 'fake', ...info }));
    await waitFor(() => this.server.registry.size === before + 1, 'msg_server registration');
    return p;
  }

  /** Send a user count update and wait until the total moved by `expectDelta`. */
  async countUpdate(p: PduPeer, userAction: number, userId: number, expectDelta: number): Promise<void> {
    const before = this.server.registry.total;
    p.send(Cid.CID_OTHER_USER_CNT_UPDATE, encodeBody(IM.Server.IMUserCntUpdate, { userAction, userId }));
    await waitFor(() => this.server.registry.total === before + expectDelta, `user count ${before} -> ${before + expectDelta}`);
  }

  async connect(port: 'msgServer' | 'client'): Promise<PduPeer> {
    const p = await PduPeer.connect(this.server.ports[port]!);
    this.peers.push(p);
    return p;
  }

  /** Send raw bytes to the HTTP port (optionally in pieces) and collect everything until the server closes. */
  http(request: string | Buffer | Array<string | Buffer>, timeoutMs = 2000): Promise<Buffer> {
    const pieces = Array.isArray(request) ? request : [request];
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const s = net.connect({ host: '127.0.0.1', port: this.server.ports['http']! });
      const timer = setTimeout(() => { s.destroy(); reject(new Error(`HTTP: no close within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString())}`)); }, timeoutMs);
      s.on('connect', async () => {
        for (const piece of pieces) {
          if (s.destroyed) break;
          s.write(piece);
          if (pieces.length > 1) await new Promise((r) => setTimeout(r, 15));
        }
      });
      s.on('data', (d: Buffer) => chunks.push(d));
      s.on('error', () => {});
      s.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks)); });
    });
  }

  async stop(): Promise<void> {
    for (const p of this.peers) p.close();
    await this.server.stop();
  }
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Split a raw HTTP reply into its three parts for assertions. */
export function splitReply(raw: Buffer): { head: string; body: string } {
  const i = raw.indexOf('\r\n\r\n');
  return { head: raw.subarray(0, i + 4).toString('latin1'), body: raw.subarray(i + 4).toString('utf8') };
}
