// A TCP relay between msg_server and the real db_proxy that can hold back db_proxy's replies of
// chosen commands: the stand-in for "db_proxy hung / the link broke between request and reply"
// (servers.md §6.6 item 4) without touching db_proxy. Requests pass through untouched.
import * as net from 'node:net';

interface Held {
  to: net.Socket;
  frame: Buffer;
}

export class DbRelay {
  /** Reply commands held back instead of passed on to msg_server. */
  readonly hold = new Set<number>();
  private readonly held: Held[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  port = 0;

  constructor(private readonly dbPort: number) {
    this.server = net.createServer((down) => {
      const up = net.connect({ host: '127.0.0.1', port: this.dbPort });
      for (const s of [down, up]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => { this.sockets.delete(s); down.destroy(); up.destroy(); });
      }
      down.pipe(up);
      let buf = Buffer.alloc(0);
      up.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 16 && buf.length >= buf.readUInt32BE(0)) {
          const len = buf.readUInt32BE(0);
          const frame = Buffer.from(buf.subarray(0, len));
          buf = buf.subarray(len);
          if (this.hold.has(frame.readUInt16BE(10))) this.held.push({ to: down, frame });
          else down.write(frame);
        }
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** Replies held so far with this command id. */
  heldCount(cid: number): number {
    return this.held.filter((h) => h.frame.readUInt16BE(10) === cid).length;
  }

  /** Pass every held reply on, in arrival order (the late replies). */
  release(): void {
    for (const h of this.held.splice(0)) h.to.write(h.frame);
  }

  /**
   * Break the one msg_server link that carried the first held reply of `cid` (the stand-in for a
   * db_proxy link that dies mid-request); its held replies are forgotten, the other links stay.
   */
  dropLinkOf(cid: number): void {
    const h = this.held.find((x) => x.frame.readUInt16BE(10) === cid);
    if (!h) throw new Error(`no held reply 0x${cid.toString(16)}`);
    for (let i = this.held.length - 1; i >= 0; i--) if (this.held[i]!.to === h.to) this.held.splice(i, 1);
    h.to.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
