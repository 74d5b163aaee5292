import { HEADER_LENGTH, PduHeader, readHeader } from './header';

/** Default largest frame accepted from a server (the client maximum of protocol.md §1.5). */
export const MAX_FRAME = 4 * 1024 * 1024;

export type FrameHandler = (header: PduHeader, body: Buffer) => void;

/**
 * The client side's frame splitter (the load client, `tt client`, test recorders; servers frame in
 * src/net/Conn.ts): cuts a TCP byte stream into PDUs across any read boundary (a read may hold
 * several PDUs or a fraction of one: fixtures README). Frames that are complete inside one chunk
 * are handed over as views without copying (copy what you keep); only a partial tail is kept.
 * Throws PduError on a bad length.
 */
export class FrameReader {
  private tail: Buffer | undefined;

  constructor(private readonly onFrame: FrameHandler, private readonly maxFrame = MAX_FRAME) {}

  /** `chunk[start, end)` (a transport's shared read buffer: valid only during the call). */
  push(chunk: Buffer, start = 0, end = chunk.length): void {
    let buf = chunk;
    let off = start;
    if (this.tail !== undefined) {
      buf = Buffer.concat([this.tail, chunk.subarray(start, end)]);
      this.tail = undefined;
      off = 0;
      end = buf.length;
    }
    while (end - off >= HEADER_LENGTH) {
      const h = readHeader(buf, off, this.maxFrame);
      if (end - off < h.length) break;
      this.onFrame(h, buf.subarray(off + HEADER_LENGTH, off + h.length));
      off += h.length;
    }
    if (off < end) this.tail = Buffer.from(buf.subarray(off, end));
  }
}
