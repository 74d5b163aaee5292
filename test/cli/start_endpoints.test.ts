// `tt start` with the real servers: every server as a child of the supervisor, wired to each other
// on free ports (never the defaults, which a running `npm start` may hold) and to the test
// database; each printed endpoint answers a real request; SIGINT stops every child and the
// supervisor exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfOverrides, repoRoot, writeTestConf } from '../helpers';
import { SERVERS } from '../../src/cli/serverCatalog';
import { FrameClient, frame, headerOf } from '../net/support/FrameClient';
import { alive, freePort, Proc, runTt, waitFor } from './standInServers';

const CID_OTHER_HEARTBEAT = 0x0701;
const realServers = path.join(repoRoot, 'dist', 'src', 'servers');

/** Distinct free ports (freePort picks randomly, so two calls could in theory agree). */
async function ports(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}

/**
 * One conf dir for the whole suite: conf/*.conf through writeTestConf (db_proxy on the test
 * database and test Redis dbs), then every listen port and every peer address set to the ports
 * chosen here, so the servers find each other like with the shipped confs.
 */
async function confDir(work: string): Promise<{ dir: string; p: Record<string, number> }> {
  const [db, route, loginClient, loginHttp, loginMsg, msg, fileClient, fileMsg, msfs, httpMsg, push] = await ports(11);
  const p = { db: db!, route: route!, loginClient: loginClient!, loginHttp: loginHttp!, loginMsg: loginMsg!, msg: msg!, fileClient: fileClient!, fileMsg: fileMsg!, msfs: msfs!, httpMsg: httpMsg!, push: push! };
  const msfsUrl = `http://127.0.0.1:${p.msfs}`;
  const overrides: Record<string, ConfOverrides> = {
    db_proxy: { ListenPort: p.db, MsfsSite: msfsUrl, ThreadNum: 1 },
    route: { ListenMsgPort: p.route },
    login: { ClientPort: p.loginClient, HttpPort: p.loginHttp, MsgServerPort: p.loginMsg, msfs: `${msfsUrl}/` },
    msg: {
      ListenPort: p.msg, ConcurrentDBConnCnt: 1, DBServerPort1: p.db, DBServerPort2: p.db, LoginServerPort1: p.loginMsg,
      RouteServerPort1: p.route, PushServerPort1: p.push, FileServerPort1: p.fileMsg,
    },
    file: { ClientListenPort: p.fileClient, MsgServerListenPort: p.fileMsg, OfflineFileDir: path.join(work, 'offline_file') },
    msfs: { ListenPort: p.msfs, BaseDir: path.join(work, 'msfs') },
    http_msg: { ListenPort: p.httpMsg, ConcurrentDBConnCnt: 1, DBServerPort1: p.db, DBServerPort2: p.db, RouteServerPort1: p.route },
    push: { ListenPort: p.push },
  };
  const dir = path.join(work, 'conf');
  fs.mkdirSync(dir);
  for (const s of SERVERS) fs.copyFileSync(writeTestConf(s.name, overrides[s.name]), path.join(dir, s.confFile));
  return { dir, p };
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

const pidFiles = (vdir: string): Record<string, number> => {
  const run = path.join(vdir, 'run');
  const out: Record<string, number> = {};
  for (const f of fs.existsSync(run) ? fs.readdirSync(run) : []) out[f.replace(/\.pid$/, '')] = Number(fs.readFileSync(path.join(run, f), 'utf8'));
  return out;
};

/** A supervisor left running by a failed assertion: SIGTERM (it stops its children), then SIGKILL what is left. */
async function cleanUp(p: Proc, vdir: string): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGTERM');
    await Promise.race([p.exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
  }
  for (const pid of Object.values(pidFiles(vdir))) if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
}

test('tt start runs every server; each printed endpoint answers; SIGINT stops them all and exits 0', { timeout: 120_000 }, async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-start-'));
  const { dir, p: port } = await confDir(work);
  const vdir = path.join(work, 'var');
  const sup = runTt(['start', '--conf-dir', dir, '--var-dir', vdir], realServers);
  const log = (name: string): string => {
    try {
      return fs.readFileSync(path.join(vdir, 'log', `${name}.log`), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const context = (): string => `${sup.out()}\n${SERVERS.map((s) => `--- ${s.name}.log\n${log(s.name)}`).join('\n')}`;
  try {
    await waitFor(sup, /running; Ctrl-C stops everything/, 60_000);
    const out = sup.out();
    assert.doesNotMatch(out, /skipping|exited/, context());

    // The printed endpoints, on the ports of the conf dir (not the defaults).
    const loginUrl = out.match(/login_server \(HTTP\)\s+(\S+)/)?.[1];
    const msgAddr = out.match(/msg_server \(clients\)\s+(\S+):(\d+)/);
    const httpMsgUrl = out.match(/http_msg_server\s+(\S+)/)?.[1];
    const msfsUrl = out.match(/msfs\s+(http\S+)/)?.[1];
    assert.equal(loginUrl, `http://127.0.0.1:${port.loginHttp}/msg_server`, out);
    assert.deepEqual(msgAddr?.slice(1), ['127.0.0.1', String(port.msg)], out);
    assert.equal(httpMsgUrl, `http://127.0.0.1:${port.httpMsg}/query/`, out);
    assert.equal(msfsUrl, `http://127.0.0.1:${port.msfs}/`, out);

    // login_server names the msg_server once its registration has arrived over the msg link.
    let lookup: { code?: number; port?: string; priorIP?: string } = {};
    const end = Date.now() + 15_000;
    for (;;) {
      const r = await httpGet(loginUrl!);
      assert.equal(r.status, 200, r.body);
      lookup = JSON.parse(r.body) as typeof lookup;
      if (lookup.code === 0 || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(lookup.code, 0, `${JSON.stringify(lookup)}\n${context()}`);
    assert.equal(lookup.port, String(port.msg));
    assert.equal(lookup.priorIP, '127.0.0.1');

    // msg_server echoes a heartbeat byte for byte, even before login.
    const c = await FrameClient.connect(Number(msgAddr![2]), msgAddr![1]);
    try {
      const hb = frame(CID_OTHER_HEARTBEAT, '', 7);
      c.send(hb);
      const [echo] = await c.waitFrames(1);
      assert.ok(echo, 'msg_server answered the heartbeat');
      assert.equal(headerOf(echo).commandId, CID_OTHER_HEARTBEAT);
      assert.equal(echo.toString('hex'), hb.toString('hex'));
    } finally {
      c.destroy();
    }

    // http_msg_server and msfs speak HTTP (a status line is all this test asks of them).
    const hm = await httpGet(httpMsgUrl!);
    assert.ok(hm.status >= 200 && hm.status < 600, `http_msg_server status ${hm.status}`);
    const ms = await httpGet(msfsUrl!);
    assert.ok(ms.status >= 200 && ms.status < 600, `msfs status ${ms.status}`);
    t.diagnostic(`login ${lookup.code}/${lookup.port}, heartbeat echoed, http_msg ${hm.status}, msfs ${ms.status}`);

    const pids = pidFiles(vdir);
    assert.deepEqual(Object.keys(pids).sort(), SERVERS.map((s) => s.name).sort(), 'one pid file per server');
    for (const [name, pid] of Object.entries(pids)) assert.ok(alive(pid), `${name} (pid ${pid}) running`);

    sup.child.kill('SIGINT');
    const { code, signal } = await sup.exited;
    assert.equal(signal, null, context());
    assert.equal(code, 0, context());
    assert.match(sup.out(), /all stopped/);
    for (const s of SERVERS) assert.match(sup.out(), new RegExp(`${s.name} stopped`), `${s.name} stopped`);
    for (const [name, pid] of Object.entries(pids)) assert.equal(alive(pid), false, `${name} (pid ${pid}) exited`);
  } finally {
    await cleanUp(sup, vdir);
    fs.rmSync(work, { recursive: true, force: true });
  }
});
