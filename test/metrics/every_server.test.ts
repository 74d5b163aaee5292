// Every server kind serves its own metrics next to the process's when MetricsPort is set, and its
// stop() closes the metrics listener too.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { writeTestConf } from '../helpers';
import type { RunningServer } from '../../src/cli/serverModule';
import { Cid } from '../../src/pdu/commands';
import { IM } from '../../src/pdu/gen/im';
import { encodeFrame } from '../../src/pdu/Pdu';
import { encodeBody } from '../../src/pdu/codec';
import { scrape, sample, valueOf, waitFor } from './support/scrape';
import { RawConn } from './support/rawConn';

const running: RunningServer[] = [];
after(async () => { for (const s of running) await s.stop(); });

async function startKind(kind: string, dir: string): Promise<RunningServer> {
  const mod = require(`../../src/servers/${dir}`) as { start(o: { confPath: string }): Promise<RunningServer> };
  const s = await mod.start({ confPath: writeTestConf(kind, { MetricsPort: 0 }) });
  running.push(s);
  return s;
}

const CASES: Array<[kind: string, dir: string, names: string[]]> = [
  ['login', 'login', ['teamtalk_login_msg_servers', 'teamtalk_login_users', 'teamtalk_login_http_requests_total']],
  ['route', 'route', ['teamtalk_route_links', 'teamtalk_route_users_online']],
  ['file', 'file', ['teamtalk_file_tasks', 'teamtalk_file_client_connections', 'teamtalk_file_msg_links']],
  ['push', 'push', ['teamtalk_push_links', 'teamtalk_push_requests_total', 'teamtalk_push_delivered_total']],
  ['msfs', 'msfs', ['teamtalk_msfs_file_count', 'teamtalk_msfs_cache_bytes']],
  ['http_msg', 'http_msg', ['teamtalk_http_msg_connections', 'teamtalk_http_msg_pending_replies']],
];

for (const [kind, dir, names] of CASES) {
  test(`${kind}: /metrics has the process metrics and its own; stop() closes it`, async () => {
    const s = await startKind(kind, dir);
    const port = s.ports.metrics!;
    assert.ok(port > 0);
    const { status, body } = await scrape(port);
    assert.equal(status, 200);
    assert.notEqual(sample(body, 'process_resident_memory_bytes'), undefined);
    for (const n of names) assert.notEqual(sample(body, n), undefined, `${n} present`);
    await s.stop();
    running.splice(running.indexOf(s), 1);
    await assert.rejects(scrape(port), /ECONNREFUSED/);
  });
}

test('login: HTTP lookups are counted and a registered msg_server shows up', async () => {
  const s = await startKind('login', 'login');
  const port = s.ports.metrics!;
  const before = await valueOf(port, 'teamtalk_login_http_requests_total');
  const status = await new Promise<number>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: s.ports.http!, path: '/msg_server', agent: false }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }).on('error', reject);
  });
  assert.equal(status, 200);
  assert.equal(await valueOf(port, 'teamtalk_login_http_requests_total'), before + 1);
  assert.equal(await valueOf(port, 'teamtalk_login_msg_servers'), 0);
  const c = await RawConn.connect(s.ports.msgServer!);
  c.write(encodeFrame(Cid.CID_OTHER_MSG_SERV_INFO, encodeBody(IM.Server.IMMsgServInfo, {
    ip1: '127.0.0.1', ip2: '127.0.0.1', port: 8000, maxConnCnt: 100, curConnCnt: 7, hostName: 'metrics-test',
  })));
  await waitFor(port, 'teamtalk_login_msg_servers', (v) => v === 1);
  assert.equal(await valueOf(port, 'teamtalk_login_users'), 7);
  await c.close();
  await waitFor(port, 'teamtalk_login_msg_servers', (v) => v === 0);
});
