import { HEADER_LENGTH, PduHeader, readHeader } from '../../src/pdu/header';

/** Largest frame the bench accepts from a server (the client maximum of protocol.md §1.5). */
export const MAX_FRAME = 4 * 1024 * 1024;

export type FrameHandler = (header: PduHeader, body: Buffer) => void;

/**
 * Cuts a TCP byte stream into PDUs across any read boundary (a read may hold several PDUs or a
 * fraction of one: fixtures README). Frames that are complete inside one chunk are handed over as
 * views without copying; only a partial tail is kept. Throws PduError on a bad length.
 */
export class FrameReader {
  private tail: Buffer | undefined;

  constructor(private readonly onFrame: FrameHandler, private readonly maxFrame = MAX_FRAME) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.tail !== undefined) {
      buf = Buffer.concat([this.tail, chunk]);
      this.tail = undefined;
    }
    let off = 0;
    while (buf.length - off >= HEADER_LENGTH) {
      const h = readHeader(buf, off, this.maxFrame);
      if (buf.length - off < h.length) break;
      this.onFrame(h, buf.subarray(off + HEADER_LENGTH, off + h.length));
      off += h.length;
    }
    if (off < buf.length) this.tail = Buffer.from(buf.subarray(off));
  }
}
