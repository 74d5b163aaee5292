/**
 * What msfs takes from the client's file name (edge.md §2.5 steps 2-4): the extension and the
 * optional `_<W>x<H>` size hint. Nothing else of the client's name ever reaches the disk.
 */

/** edge.md §2.5: the upload format error codes 2-11 the clients know. */
export const enum UploadCode {
  Ok = 0,
  TooLarge = 1,
  NoContentDisposition = 2,
  NoFilename = 3,
  NoBoundary = 4,
  BoundaryNotInBody = 5,
  PartNoContentType = 6,
  NoBlankLine = 7,
  NoClosingBoundary = 8,
  ExtensionTooLong = 9,
  NoExtension = 10,
  NameTooLong = 11,
}

export class UploadError extends Error {
  constructor(readonly code: UploadCode, message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

export interface UploadName {
  /** Extension, without the dot, exactly as the client wrote it. */
  ext: string;
  /** `<W>x<H>.<ext>` when the name carried a usable size hint, else undefined. */
  sizeSuffix: string | undefined;
}

const MAX_NAME_BYTES = 255;
const MAX_EXT_BYTES = 15;
const MAX_HINT_CHARS = 4;
/**
 * Rewrite: the original accepted any bytes after the last dot, so `x./../../y` put a slash into the
 * stored name. Only letters and digits may reach the file system.
 */
const SAFE_EXT = /^[A-Za-z0-9]+$/;

/** C atoi: leading decimal digits, anything else gives 0 (edge.md §2.5 step 4). */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  if (!m) return 0;
  const n = parseInt(m[1]!, 10);
  return Number.isFinite(n) ? Math.max(0, n) : 0;
}

export function parseUploadName(name: string): UploadName {
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) {
    throw new UploadError(UploadCode.NameTooLong, `file name longer than ${MAX_NAME_BYTES} bytes`);
  }
  const dot = name.lastIndexOf('.');
  if (dot < 0) throw new UploadError(UploadCode.NoExtension, 'file name has no extension');
  const ext = name.slice(dot + 1);
  if (Buffer.byteLength(ext, 'utf8') > MAX_EXT_BYTES) {
    throw new UploadError(UploadCode.ExtensionTooLong, `extension longer than ${MAX_EXT_BYTES} bytes`);
  }
  if (!SAFE_EXT.test(ext)) {
    // Empty or unsafe extension: the original's "no extension" code is the closest the clients know.
    throw new UploadError(UploadCode.NoExtension, 'extension is empty or not alphanumeric');
  }
  return { ext, sizeSuffix: sizeHint(name, dot, ext) };
}

/** `a.png_640x480.png` -> `640x480.png`: last `_`, first `x` after it, last `.` after that. */
function sizeHint(name: string, dot: number, ext: string): string | undefined {
  const us = name.lastIndexOf('_');
  if (us < 0) return undefined;
  const x = name.indexOf('x', us + 1);
  if (x < 0 || x > dot) return undefined;
  const w = name.slice(us + 1, x);
  const h = name.slice(x + 1, dot);
  if (w.length > MAX_HINT_CHARS || h.length > MAX_HINT_CHARS) return undefined;
  return `${atoi(w)}x${atoi(h)}.${ext}`;
}
