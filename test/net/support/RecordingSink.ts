import * as net from 'node:net';
import type { CloseReason, ConnSink } from '../../../src/net/Transport';

export type SinkEvent =
  | { kind: 'data'; bytes: Buffer }
  | { kind: 'close'; reason: CloseReason; errno: number };

/**
 * A bare ConnSink that writes down every callback in order, so a test can see exactly what the
 * transport delivered (no framing, no Conn in between). `react` runs inside onData, i.e. inside
 * the transport's batch, which is where the batch-level guarantees are tested.
 */
export class RecordingSink implements ConnSink {
  readonly events: SinkEvent[] = [];
  constructor(readonly id: number, private readonly react: (bytes: Buffer) => void = () => undefined) {}

  onData(buf: Buffer, offset: number, length: number): void {
    const bytes = Buffer.from(buf.subarray(offset, offset + length)); // valid only during the call
    this.events.push({ kind: 'data', bytes });
    this.react(bytes);
  }

  onClose(reason: CloseReason, errno: number): void {
    this.events.push({ kind: 'close', reason, errno });
  }

  get closes(): Array<Extract<SinkEvent, { kind: 'close' }>> {
    return this.events.filter((e): e is Extract<SinkEvent, { kind: 'close' }> => e.kind === 'close');
  }

  get received(): Buffer {
    return Buffer.concat(this.events.flatMap((e) => (e.kind === 'data' ? [e.bytes] : [])));
  }
}

/** A plain node:net client that keeps every byte it receives. */
export class ByteClient {
  bytes = Buffer.alloc(0);
  closed = false;
  readonly closedP: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => { this.bytes = Buffer.concat([this.bytes, d]); });
    socket.on('error', () => { /* surfaces as close */ });
    this.closedP = new Promise((r) => socket.on('close', () => { this.closed = true; r(); }));
  }

  static connect(port: number): Promise<ByteClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1', noDelay: true });
      s.once('connect', () => { s.off('error', reject); resolve(new ByteClient(s)); });
      s.once('error', reject);
    });
  }
}
