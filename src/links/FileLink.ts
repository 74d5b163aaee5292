import { LinkGroup, LinkGroupOptions } from './LinkGroup';
import type { PeerConn } from './PeerConn';
import { encodeFrame } from '../pdu/Pdu';

const CID_OTHER_FILE_SERVER_IP_REQ = 0x0733;
const EMPTY = Buffer.alloc(0);

/** A file_server client address as announced in CID_OTHER_FILE_SERVER_IP_RSP. */
export interface FileServerAddr {
  ip: string;
  port: number;
}

/**
 * The links to file_server (servers.md §1.10, §4.13). Each new link asks for the file_server's
 * client addresses and keeps them on the link object; a request goes to a random slot, or the next
 * open slot after it.
 */
export class FileLink extends LinkGroup {
  constructor(opts: Omit<LinkGroupOptions, 'kind' | 'timeWhileConnecting'>) {
    super({ ...opts, kind: 'file', timeWhileConnecting: true });
  }

  pick(): PeerConn | undefined {
    const n = this.slots.length;
    if (n === 0) return undefined;
    const start = Math.floor(Math.random() * n);
    for (let k = 0; k < n; k++) {
      const c = this.slots[(start + k) % n]!.conn;
      if (c?.open) return c;
    }
    return undefined;
  }

  /** The address list stored on a link (empty until its CID_OTHER_FILE_SERVER_IP_RSP arrived). */
  static addresses(conn: PeerConn | undefined): FileServerAddr[] {
    return (conn?.extra as FileServerAddr[] | undefined) ?? [];
  }

  /** Append addresses from CID_OTHER_FILE_SERVER_IP_RSP to the link's list (as the original). */
  static addAddresses(conn: PeerConn, list: readonly FileServerAddr[]): void {
    const cur = FileLink.addresses(conn);
    conn.extra = cur.concat(list.map((a) => ({ ip: a.ip, port: a.port })));
  }

  protected override onOpen(conn: PeerConn): void {
    conn.extra = [];
    conn.sendRaw(encodeFrame(CID_OTHER_FILE_SERVER_IP_REQ, EMPTY));
  }
}
