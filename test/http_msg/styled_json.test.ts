import { test } from 'node:test';
import assert from 'node:assert/strict';
import { styledJson } from '../../src/servers/http_msg/styledJson';

test('replies are written like jsoncpp StyledWriter: sorted keys, 3-space indent, " : ", final newline', () => {
  assert.equal(styledJson({ group_id: 1, error_msg: '成功', error_code: 0 }), '{\n   "error_code" : 0,\n   "error_msg" : "成功",\n   "group_id" : 1\n}\n');
  assert.equal(styledJson({}), '{}\n');
  assert.equal(styledJson({ b: [1, 2], a: 'x"y' }), '{\n   "a" : "x\\"y",\n   "b" : [ 1, 2 ]\n}\n');
});
