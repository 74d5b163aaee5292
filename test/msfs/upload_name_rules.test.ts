import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUploadName, UploadError } from '../../src/servers/msfs/UploadName';

test('size hints follow edge.md §2.5 step 4', () => {
  assert.deepEqual(parseUploadName('a.png_640x480.png'), { ext: 'png', sizeSuffix: '640x480.png' });
  assert.deepEqual(parseUploadName('shot.jpg_12ax3.jpg'), { ext: 'jpg', sizeSuffix: '12x3.jpg' }, 'atoi: trailing junk ignored');
  assert.deepEqual(parseUploadName('p_abxcd.png'), { ext: 'png', sizeSuffix: '0x0.png' }, 'non-digits give 0');
  assert.deepEqual(parseUploadName('p_12345x1.png'), { ext: 'png', sizeSuffix: undefined }, 'W over 4 chars: no hint');
  assert.deepEqual(parseUploadName('my_file.png'), { ext: 'png', sizeSuffix: undefined }, 'no x after the last _');
  assert.deepEqual(parseUploadName('1.audio'), { ext: 'audio', sizeSuffix: undefined });
});

test('bad names carry the original error codes', () => {
  const code = (n: string): number => { try { parseUploadName(n); return 0; } catch (e) { return (e as UploadError).code; } };
  assert.equal(code('noext'), 10);
  assert.equal(code('trailingdot.'), 10);
  assert.equal(code('x.a/b'), 10);
  assert.equal(code('x.0123456789abcdef'), 9);
  assert.equal(code('x.0123456789abcde'), 0);
  assert.equal(code(`${'é'.repeat(127)}.j`), 11, '255 bytes counted in UTF-8');
});
