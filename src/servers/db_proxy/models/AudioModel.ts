import type { Logger } from '../../../util/log';
import type { Mysql } from '../worker/Mysql';
import { inList } from '../worker/Mysql';
import { isAudio, StoredMsg } from './MessageModel';

const UPLOAD_TIMEOUT_MS = 5000;
const DOWNLOAD_TIMEOUT_MS = 2000;
/** Rewrite (§9): audio clips expanded per read; the rest keep their id as data. */
const MAX_EXPANDED = 20;

/**
 * B5: voice clips live on msfs; the message row holds the decimal IMAudio id. Rewrite: timeouts on
 * both directions (§8), parameters instead of pasted text (§10.1), and a failed upload is a failed
 * store (msg id 0) rather than an acked message that is not there (§10.3).
 */
export class AudioModel {
  constructor(
    private readonly master: Mysql,
    private readonly slave: Mysql,
    private readonly msfsSite: string,
    private readonly log: Logger,
  ) {}

  /** Upload and record a clip; its IMAudio id, or 0 when it could not be stored. */
  async store(from: number, to: number, created: number, data: Uint8Array): Promise<number> {
    if (data.length <= 4) return 0;
    const duration = Buffer.from(data.buffer, data.byteOffset, data.byteLength).readUInt32BE(0);
    const payload = data.subarray(4);
    let url: string;
    try {
      const form = new FormData();
      form.append('file', new Blob([payload], { type: 'image/jpg' }), '1.audio');
      const res = await fetch(this.msfsSite, { method: 'POST', body: form, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
      const json = (await res.json()) as { error_code?: number; url?: string };
      if (json.error_code !== 0 || typeof json.url !== 'string' || json.url === '') throw new Error(`msfs answered ${JSON.stringify(json).slice(0, 200)}`);
      url = json.url;
    } catch (err) {
      this.log.error({ from, to, bytes: payload.length, msfs: this.msfsSite, err: (err as Error).message }, 'audio upload failed');
      return 0;
    }
    const res = await this.master.exec(
      'INSERT INTO IMAudio (fromId, toId, path, size, duration, created) VALUES (?, ?, ?, ?, ?, ?)',
      [from, to, url, payload.length, duration, created]);
    return res.insertId;
  }

  /**
   * Replace the audio id of audio messages by duration + clip bytes. Messages whose content is not
   * an audio id are dropped (as the original's failing query did); clips that cannot be fetched
   * keep the id as data, like the original.
   */
  async expand(msgs: StoredMsg[]): Promise<Array<StoredMsg & { data: Buffer }>> {
    const ids = msgs.filter((m) => isAudio(m.type)).map((m) => m.content).filter((c) => /^[0-9]{1,10}$/.test(c)).map(Number);
    const rows = new Map<number, { path: string | null; size: number; duration: number }>();
    if (ids.length > 0) {
      const { marks, params } = inList([...new Set(ids)]);
      for (const r of await this.slave.rows<{ id: number; path: string | null; size: number; duration: number }>(
        `SELECT id, path, size, duration FROM IMAudio WHERE id IN (${marks})`, params)) rows.set(r.id, r);
    }
    const out: Array<StoredMsg & { data: Buffer }> = [];
    let expanded = 0;
    for (const m of msgs) {
      if (!isAudio(m.type)) { out.push({ ...m, data: Buffer.from(m.content, 'utf8') }); continue; }
      if (!/^[0-9]{1,10}$/.test(m.content)) continue;
      const row = rows.get(Number(m.content));
      let data = Buffer.from(m.content, 'utf8');
      if (row && row.path && row.size > 0 && row.duration > 0 && expanded < MAX_EXPANDED) {
        expanded++;
        const clip = await this.download(row.path, row.size);
        if (clip) {
          data = Buffer.allocUnsafe(4 + clip.length);
          data.writeUInt32BE(row.duration, 0);
          clip.copy(data, 4);
        }
      }
      out.push({ ...m, data });
    }
    return out;
  }

  private async download(url: string, size: number): Promise<Buffer | null> {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
      const body = Buffer.from(await res.arrayBuffer());
      if (!res.ok || body.length !== size) throw new Error(`status ${res.status}, ${body.length} bytes, expected ${size}`);
      return body;
    } catch (err) {
      this.log.warn({ url, err: (err as Error).message }, 'audio download failed');
      return null;
    }
  }
}
