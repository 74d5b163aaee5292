import * as net from 'node:net';

/** A plain loopback TCP client for feeding servers exact bytes. */
export class RawConn {
  readonly closed: Promise<void>;
  private constructor(readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => { /* the server closing on us is what these tests provoke */ });
    socket.on('data', () => { /* replies are not checked here */ });
  }

  static connect(port: number): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => { s.off('error', reject); resolve(new RawConn(s)); });
      s.once('error', reject);
    });
  }

  write(bytes: Uint8Array): void { this.socket.write(bytes); }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }
}

/** A 16-byte header whose length field says `length` (anything below 16 is a bad frame). */
export function headerWithLength(length: number, commandId = 0x0701): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length, 0);
  b.writeUInt16BE(1, 4);
  b.writeUInt16BE(commandId >> 8, 8);
  b.writeUInt16BE(commandId, 10);
  return b;
}
