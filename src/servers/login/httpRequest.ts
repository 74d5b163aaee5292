/** The result of parsing what has arrived so far of one HTTP/1.x request. */
export type HttpParse =
  | { state: 'incomplete' }
  | { state: 'bad'; why: string }
  | { state: 'done'; method: string; target: string };

const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/;
const HEADER_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:/;

/**
 * Parse the whole buffer from the start, as the original did on every read (servers.md §3.4); the
 * buffer is at most 1024 bytes, so re-parsing is cheap. Only what login_server needs is extracted:
 * the method and the request target. A body announced by Content-Length is waited for and ignored.
 * Chunked bodies are refused: no TeamTalk client sends a body, and a refusal is safer than guessing.
 */
export function parseHttpRequest(buf: Buffer): HttpParse {
  const text = buf.toString('latin1');
  let headEnd = text.indexOf('\r\n\r\n');
  let sepLen = 4;
  const lfEnd = text.indexOf('\n\n');
  if (lfEnd >= 0 && (headEnd < 0 || lfEnd < headEnd)) { headEnd = lfEnd; sepLen = 2; }
  if (headEnd < 0) {
    // Refuse a broken request line as soon as it is complete instead of waiting for the timeout.
    const nl = text.indexOf('\n');
    if (nl >= 0 && !REQUEST_LINE.test(text.slice(0, nl).replace(/\r$/, ''))) return { state: 'bad', why: 'bad request line' };
    return { state: 'incomplete' };
  }
  const lines = text.slice(0, headEnd).split('\n').map((l) => l.replace(/\r$/, ''));
  const m = REQUEST_LINE.exec(lines[0]!);
  if (!m) return { state: 'bad', why: 'bad request line' };
  let contentLength = 0;
  for (const line of lines.slice(1)) {
    if (!HEADER_LINE.test(line)) return { state: 'bad', why: 'bad header line' };
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d+$/.test(value)) return { state: 'bad', why: 'bad Content-Length' };
      contentLength = Number(value);
    } else if (name === 'transfer-encoding') {
      return { state: 'bad', why: 'request bodies with Transfer-Encoding are not accepted' };
    }
  }
  if (buf.length < headEnd + sepLen + contentLength) return { state: 'incomplete' };
  return { state: 'done', method: m[1]!, target: m[2]! };
}
