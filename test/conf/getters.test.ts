import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfError, ConfFile } from '../../src/conf/ConfFile';

const FILE = '/etc/tt/msgserver.conf';
const conf = (text: string): ConfFile => ConfFile.parse(text, FILE);

function throwsConf(fn: () => unknown, key: string | undefined, problem: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConfError, `ConfError, got ${String(e)}`);
    assert.equal(e.file, FILE);
    assert.equal(e.key, key);
    assert.match(e.problem, problem);
    assert.ok(e.message.includes(FILE) && (key === undefined || e.message.includes(key)), e.message);
    return true;
  });
}

test('str/int/port return typed values and name file and key when missing or malformed', () => {
  const c = conf('S=abc\nN=-42\nP=8000\nBad=12abc\nHuge=99999999999999999999\nP2=70000\n');
  assert.equal(c.str('S'), 'abc');
  assert.equal(c.int('N'), -42);
  assert.equal(c.port('P'), 8000);
  throwsConf(() => c.str('Missing'), 'Missing', /missing/);
  throwsConf(() => c.int('Bad'), 'Bad', /not an integer/);
  throwsConf(() => c.int('Huge'), 'Huge', /out of range/);
  throwsConf(() => c.port('P2'), 'P2', /out of range/);
  throwsConf(() => c.port('N'), 'N', /out of range/);
});

test('port 0 is accepted for listeners', () => {
  assert.equal(conf('ListenPort=0\n').port('ListenPort'), 0);
});

test('optStr/optInt give the default only when the key is absent', () => {
  const c = conf('A=7\nB=x\n');
  assert.equal(c.optInt('A', 10), 7);
  assert.equal(c.optInt('Z', 10), 10);
  assert.equal(c.optStr('B', 'd'), 'x');
  assert.equal(c.optStr('Z', 'd'), 'd');
  throwsConf(() => c.optInt('B', 1), 'B', /not an integer/);
});

test('ipList splits on ";" and rejects an empty list', () => {
  const c = conf('L=127.0.0.1; 127.0.0.2 ;\nE=;;\n');
  assert.deepEqual(c.ipList('L'), ['127.0.0.1', '127.0.0.2']);
  throwsConf(() => c.ipList('E'), 'E', /empty/);
});

test('endpoints reads numbered pairs until the first missing IP key', () => {
  const c = conf('DBServerIP1=127.0.0.1\nDBServerPort1=10600\nDBServerIP2=h2\nDBServerPort2=10601\nDBServerIP4=h4\nDBServerPort4=1\n');
  assert.deepEqual(c.endpoints('DBServerIP', 'DBServerPort'), [
    { host: '127.0.0.1', port: 10600 },
    { host: 'h2', port: 10601 },
  ]);
  assert.deepEqual(c.endpoints('RouteServerIP', 'RouteServerPort'), []);
  throwsConf(() => conf('XIP1=h\n').endpoints('XIP', 'XPort'), 'XPort1', /missing/);
  throwsConf(() => conf('XIP1=h\nXPort1=0\n').endpoints('XIP', 'XPort'), 'XPort1', /port 0/);
});

test('load reads a file; a missing file is a ConfError naming it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-conf-'));
  try {
    const f = path.join(dir, 'a.conf');
    fs.writeFileSync(f, 'A=1\n');
    assert.equal(ConfFile.load(f).int('A'), 1);
    const missing = path.join(dir, 'none.conf');
    assert.throws(() => ConfFile.load(missing), (e: unknown) => e instanceof ConfError && e.file === missing && /ENOENT/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
