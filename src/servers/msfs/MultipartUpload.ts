import type { IncomingMessage } from 'node:http';
import { createWriteStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { UploadCode, UploadError } from './UploadName';

export interface ReceivedFile {
  /** The client's file name as sent (busboy strips any directory part). */
  filename: string;
  tmpPath: string;
  size: number;
}

export interface ReceiveLimits {
  /** Largest file part that is stored. */
  maxFileBytes: number;
  /** Largest request body read at all (chunked bodies have no Content-Length to check up front). */
  maxBodyBytes: number;
}

/**
 * Reads a multipart/form-data upload and streams the first part that carries a `filename` into a
 * temporary file (edge.md §2.5 and §2.11).
 *
 * Rewrite: the original buffered the whole body and re-parsed it from the start after every read,
 * with case-sensitive byte searches. busboy accepts quoted boundaries, header names in any case and
 * file parts without their own Content-Type; plain form fields before the file (iOS and Mac send
 * `type=im_image`) are skipped as before. Failures keep the original's error codes so clients see
 * the same JSON.
 */
export function receiveUpload(req: IncomingMessage, tmpPath: string, limits: ReceiveLimits): Promise<ReceivedFile> {
  return new Promise<ReceivedFile>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        // busboy signals 'limit' on reaching the limit, so a file of exactly maxFileBytes needs one more.
        limits: { fileSize: limits.maxFileBytes + 1, files: 8, fields: 32, parts: 40, fieldSize: 64 * 1024, headerPairs: 32 },
      });
    } catch (err) {
      reject(new UploadError(UploadCode.NoBoundary, `not a multipart/form-data body with a boundary: ${(err as Error).message}`));
      return;
    }

    let settled = false;
    let sawPart = false;
    let chosen: { filename: string; done: Promise<void> } | undefined;
    let size = 0;
    let tooLarge = false;
    let bodyBytes = 0;

    const fail = (err: UploadError): void => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      bb.destroy();
      req.resume(); // keep draining so the reply can still be written; the connection closes after it
      const done = chosen?.done.catch(() => undefined) ?? Promise.resolve();
      void done.then(() => fsp.rm(tmpPath, { force: true })).catch(() => undefined).then(() => reject(err));
    };

    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > limits.maxBodyBytes) fail(new UploadError(UploadCode.TooLarge, `body over ${limits.maxBodyBytes} bytes`));
    });
    req.on('aborted', () => fail(new UploadError(UploadCode.NoClosingBoundary, 'client went away during the upload')));
    req.on('error', (err) => fail(new UploadError(UploadCode.NoClosingBoundary, `request stream failed: ${err.message}`)));

    bb.on('field', () => { sawPart = true; });
    bb.on('file', (_name, stream, info) => {
      sawPart = true;
      if (chosen !== undefined || info.filename === undefined) {
        stream.resume(); // not the file we store: discard
        return;
      }
      const filename = info.filename;
      stream.on('data', (c: Buffer) => { size += c.length; });
      stream.on('limit', () => {
        tooLarge = true;
        fail(new UploadError(UploadCode.TooLarge, `file part over ${limits.maxFileBytes} bytes`));
      });
      const done = pipeline(stream, createWriteStream(tmpPath, { flags: 'wx', mode: 0o640 }));
      done.catch(() => undefined); // the failure is reported through fail() or at 'close'
      chosen = { filename, done };
    });
    bb.on('error', (err: Error) => {
      if (tooLarge) return;
      fail(mapParserError(err, sawPart));
    });
    bb.on('close', () => {
      if (settled) return;
      if (chosen === undefined) {
        fail(sawPart
          ? new UploadError(UploadCode.NoFilename, 'no part carries a filename')
          : new UploadError(UploadCode.NoContentDisposition, 'no form-data part in the body'));
        return;
      }
      const c = chosen;
      c.done.then(
        () => {
          if (settled) return;
          settled = true;
          resolve({ filename: c.filename, tmpPath, size });
        },
        (err: Error) => fail(new UploadError(UploadCode.NoClosingBoundary, `file part incomplete: ${err.message}`)),
      );
    });

    req.pipe(bb);
  });
}

function mapParserError(err: Error, sawPart: boolean): UploadError {
  if (err.message === 'Malformed part header') return new UploadError(UploadCode.NoBlankLine, err.message);
  if (!sawPart) return new UploadError(UploadCode.BoundaryNotInBody, `boundary not found in body (${err.message})`);
  return new UploadError(UploadCode.NoClosingBoundary, err.message);
}
