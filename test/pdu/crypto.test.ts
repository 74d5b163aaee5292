// Message-content AES and the password scheme, protocol.md §4, against the spec's vectors and the
// fixtures' README example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_AES_KEY, MsgCipher, passwordMatches, storedPassword, wirePassword } from '../../src/pdu/crypto';
import { PduError } from '../../src/pdu/PduError';

const cipher = new MsgCipher('12345678901234567890123456789012');
const badCrypto = (e: unknown): boolean => e instanceof PduError && e.reason === 'bad-crypto';

test('§4.2 test vectors and the fixtures README example, both directions', () => {
  const vectors: Array<[string, string]> = [
    ['hello', 'nnZSBwfPCz60q69ddmfIJA=='],
    ['[语音]', 'QhGXlpFjvMFUNrtl1aaPzA=='],
    ['123456789012', 'qRbX2o2N6/0vxpOpQhCOOg=='],
    ['1234567890123', 'ovYKzOY+0lEFsnZlqUWIQAr+GZ43+2mMfQMFqTsGBjY='],
    ['0123456789abcdef', 'BY1wZOT9JPljcE5qNjw9cQfU6OB7fpsvZh6GP3dYB9g='],
    ['hello bob', 'PuB/Ulmnts35GW0PC8S7xg=='],
  ];
  for (const [plain, b64] of vectors) {
    assert.equal(cipher.encrypt(plain).toString('latin1'), b64, plain);
    assert.equal(cipher.decryptText(b64), plain, b64);
    assert.equal(cipher.decryptText(Buffer.from(b64)), plain, b64);
  }
  assert.equal(new MsgCipher().encrypt('hello').toString(), 'nnZSBwfPCz60q69ddmfIJA==', 'default key is the sample aesKey');
  assert.equal(DEFAULT_AES_KEY.length, 32);
});

test('§4.1 block count: one extra block when L % 16 is 0 or above 12', () => {
  for (const [len, blocks] of [[1, 1], [12, 1], [13, 2], [15, 2], [16, 2], [17, 2], [28, 2], [29, 3], [32, 3]] as const) {
    const raw = Buffer.from(cipher.encrypt('a'.repeat(len)).toString('latin1'), 'base64');
    assert.equal(raw.length, blocks * 16, `length ${len}`);
  }
});

test('§4.1 decrypt skips whitespace and = like the original', () => {
  assert.equal(cipher.decryptText(' PuB/Ulmnts35\nGW0PC8S7xg '), 'hello bob');
  assert.equal(cipher.decryptText('PuB/Ulmnts35GW0PC8S7xg'), 'hello bob');
});

test('garbage cipher text is PduError(bad-crypto)', () => {
  for (const s of ['', '====', 'PuB/Ulmnts35GW0PC8S7x*==', 'PuB/Ulmnts35GW0PC8S7', 'QUJD', 'a', 'nnZSBwfPCz60q69ddmfIJA==nnZSBwfPCz60q69ddmfIJA=A']) {
    assert.throws(() => cipher.decrypt(s), badCrypto, JSON.stringify(s));
  }
  // a whole block whose stored length is larger than the data: encrypt 16 bytes ending in 0xffffffff
  const { createCipheriv } = require('node:crypto') as typeof import('node:crypto');
  const c = createCipheriv('aes-256-ecb', Buffer.from(DEFAULT_AES_KEY), null);
  c.setAutoPadding(false);
  const block = Buffer.concat([c.update(Buffer.from('000000000000000000000000ffffffff', 'hex')), c.final()]);
  assert.throws(() => cipher.decrypt(block.toString('base64')), badCrypto);
});

test('property: any non-empty text round-trips; any string decrypts or throws bad-crypto', () => {
  fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }), (s) => {
    assert.equal(cipher.decryptText(cipher.encrypt(s)), s);
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (b) => {
    assert.deepEqual(cipher.decrypt(cipher.encrypt(b)), Buffer.from(b));
  }), { numRuns: 200 });
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 64 }), fc.base64String({ maxLength: 64 })), (s) => {
    try { cipher.decrypt(s); } catch (e) { assert.ok(badCrypto(e), String(e)); }
  }), { numRuns: 500 });
});

test('empty plaintext and a key that is not 32 bytes are refused', () => {
  assert.throws(() => cipher.encrypt(''), RangeError);
  assert.throws(() => new MsgCipher('short'), RangeError);
});

test('§4.4 passwords: md5 hex on the wire, md5(wire + salt) stored', () => {
  const wire = wirePassword('123456');
  assert.equal(wire, 'e10adc3949ba59abbe56e057f20f883e');
  assert.equal(storedPassword(wire, '1234'), 'b605e86d02eef8bfd0646f6a704c17c9');
  // the fixtures' demo users
  assert.equal(storedPassword(wire, '1111'), '9fb3dc842c899aa63d6944a55080b795');
  assert.equal(storedPassword(wire, '2222'), '4d64e7e28ee93758441b6f1b0d5032f7');
  assert.equal(storedPassword(wire, '3333'), '1a3d392f4aba6680c8e68dfc26e84c9e');
  assert.equal(passwordMatches(wire, '1111', '9fb3dc842c899aa63d6944a55080b795'), true);
  assert.equal(passwordMatches(wire, '1111', '9FB3DC842C899AA63D6944A55080B795'), true);
  assert.equal(passwordMatches(wire, '2222', '9fb3dc842c899aa63d6944a55080b795'), false);
  assert.equal(passwordMatches(wirePassword('654321'), '1111', '9fb3dc842c899aa63d6944a55080b795'), false);
  assert.equal(passwordMatches(wire, '1111', ''), false);
});
