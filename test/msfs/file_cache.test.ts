import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileCache } from '../../src/servers/msfs/FileCache';

test('the cache stays within its byte bound and evicts the least recently used entry', () => {
  const c = new FileCache(100, 60);
  c.set('a', Buffer.alloc(40));
  c.set('b', Buffer.alloc(40));
  assert.ok(c.get('a'), 'touch a: b is now the oldest');
  c.set('c', Buffer.alloc(40));
  assert.ok(c.bytes <= 100);
  assert.equal(c.get('b'), undefined, 'b evicted');
  assert.ok(c.get('a'));
  assert.ok(c.get('c'));
  c.set('huge', Buffer.alloc(61));
  assert.equal(c.get('huge'), undefined, 'entries over the entry bound are not cached');
  c.set('a', Buffer.alloc(10));
  assert.equal(c.bytes, 50, 'replacing an entry accounts its new size');
});
