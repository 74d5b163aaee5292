import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { PduError } from './PduError';

/**
 * Message-content encryption, protocol.md §4.1: AES-256-ECB with TeamTalk's own padding, then
 * Base64. Clients encrypt text messages; servers only store and forward the cipher text, except
 * msg_server (push text) and db_proxy (the audio placeholder).
 *
 * Padding: the plaintext (L bytes) is zero-filled to whole 16-byte blocks, plus one more block when
 * L % 16 is 0 or above 12, and L is written big-endian into the last 4 bytes. ECB without an IV is
 * weak, but the key and mode are fixed by every shipped client (§4.1), so they cannot change here.
 */

/** The key hard-coded in every client and the sample `aesKey` (§4.1). */
export const DEFAULT_AES_KEY = '12345678901234567890123456789012';

const BLOCK = 16;
const B64_SKIPPED = /[\s=]/g;
const B64_ALPHABET = /^[A-Za-z0-9+/]*$/;

export class MsgCipher {
  private readonly key: Buffer;

  /** `aesKey` from the .conf: exactly 32 bytes, used directly as the AES-256 key (no derivation). */
  constructor(aesKey: string | Uint8Array = DEFAULT_AES_KEY) {
    const key = typeof aesKey === 'string' ? Buffer.from(aesKey, 'latin1') : Buffer.from(aesKey);
    if (key.length !== 32) throw new RangeError(`aesKey must be exactly 32 bytes, got ${key.length}`);
    this.key = key;
  }

  /** Plaintext (text as UTF-8, or bytes) -> the Base64 ASCII bytes that go into msg_data. */
  encrypt(plain: string | Uint8Array): Buffer {
    const text = typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain;
    const len = text.length;
    // The original library refuses an empty plaintext too (§4.1).
    if (len === 0) throw new RangeError('cannot encrypt an empty message');
    const rem = len % BLOCK;
    const blocks = Math.ceil(len / BLOCK) + (rem === 0 || rem > 12 ? 1 : 0);
    const padded = Buffer.alloc(blocks * BLOCK);
    padded.set(text, 0);
    padded.writeUInt32BE(len, padded.length - 4);
    const c = createCipheriv('aes-256-ecb', this.key, null);
    c.setAutoPadding(false);
    return Buffer.from(Buffer.concat([c.update(padded), c.final()]).toString('base64'), 'latin1');
  }

  /**
   * msg_data (Base64 text, as bytes or string) -> plaintext bytes. Like the original: whitespace and
   * '=' are skipped, any other character outside the Base64 alphabet fails, the decoded length must
   * be a non-zero multiple of 16 and the stored length must fit. Failure is PduError('bad-crypto').
   */
  decrypt(cipherText: string | Uint8Array): Buffer {
    const text = (typeof cipherText === 'string' ? cipherText : Buffer.from(cipherText).toString('latin1')).replace(B64_SKIPPED, '');
    if (!B64_ALPHABET.test(text)) throw new PduError('bad-crypto', 'not Base64');
    if (text.length % 4 === 1) throw new PduError('bad-crypto', 'truncated Base64');
    const raw = Buffer.from(text, 'base64');
    if (raw.length === 0 || raw.length % BLOCK !== 0) {
      throw new PduError('bad-crypto', `cipher text of ${raw.length} bytes is not whole AES blocks`);
    }
    const d = createDecipheriv('aes-256-ecb', this.key, null);
    d.setAutoPadding(false);
    const plain = Buffer.concat([d.update(raw), d.final()]);
    const len = plain.readUInt32BE(plain.length - 4);
    if (len > plain.length) throw new PduError('bad-crypto', `stored length ${len} exceeds ${plain.length} decrypted bytes`);
    return plain.subarray(0, len);
  }

  /** decrypt() as UTF-8 text (invalid sequences become U+FFFD: push text only needs to be readable). */
  decryptText(cipherText: string | Uint8Array): string {
    return this.decrypt(cipherText).toString('utf8');
  }
}

// ---- passwords, protocol.md §4.4 ----

export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** What a client sends in IMLoginReq.password: lowercase hex MD5 of the UTF-8 plaintext. */
export function wirePassword(plain: string): string {
  return md5Hex(Buffer.from(plain, 'utf8'));
}

/** What the user table's password column holds: md5hex(wire password + salt). */
export function storedPassword(wire: string, salt: string): string {
  return md5Hex(Buffer.from(wire + salt, 'utf8'));
}

/** db_proxy's check of a received wire password against the stored row, in constant time. */
export function passwordMatches(wire: string, salt: string, stored: string): boolean {
  const a = Buffer.from(storedPassword(wire, salt), 'latin1');
  const b = Buffer.from(stored.toLowerCase(), 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}
