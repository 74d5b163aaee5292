import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfFile } from '../../src/conf/ConfFile';

test('a line splits at its first "=" and key and value are trimmed of spaces and tabs', () => {
  const c = ConfFile.parse(' \tKey \t=\t a=b c \t\nUrl=http://h:1/x?y=z\n');
  assert.equal(c.str('Key'), 'a=b c');
  assert.equal(c.str('Url'), 'http://h:1/x?y=z');
});

test('"#" starts a comment anywhere on the line', () => {
  const c = ConfFile.parse('# whole line\nA=1 # trailing\nB=#all comment\n#C=3\n');
  assert.equal(c.str('A'), '1');
  assert.equal(c.has('B'), false);
  assert.equal(c.has('C'), false);
});

test('the first occurrence of a key wins', () => {
  const c = ConfFile.parse('Port=1\nPort=2\n');
  assert.equal(c.int('Port'), 1);
  assert.deepEqual(c.keys(), ['Port']);
});

test('lines without "=", with an empty key or an empty value are ignored', () => {
  const c = ConfFile.parse('novalue\n=5\nEmpty=\nEmpty=later\n\n');
  assert.deepEqual(c.keys(), ['Empty']);
  // the empty line did not count as the first occurrence
  assert.equal(c.str('Empty'), 'later');
});

test('keys are case-sensitive', () => {
  const c = ConfFile.parse('listenport=1\n');
  assert.equal(c.has('ListenPort'), false);
});

test('CRLF files give values without a trailing carriage return (Rewrite)', () => {
  const c = ConfFile.parse('A=1\r\nB = x \r\n');
  assert.equal(c.int('A'), 1);
  assert.equal(c.str('B'), 'x');
});

test('long lines are kept whole (the original cut them at 255 characters)', () => {
  const long = 'v'.repeat(600);
  assert.equal(ConfFile.parse(`K=${long}\n`).str('K'), long);
});
