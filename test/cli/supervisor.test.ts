import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyOverrides, repoRoot } from '../helpers';
import { alive, freePort, Proc, runTt, waitFor, writeStandIns } from './standInServers';

const modules = writeStandIns(['route', 'login', 'msg']);

/**
 * Ends a supervisor left running by a failed assertion: SIGTERM lets it stop its children (they
 * are in their own process groups, so SIGKILL of the supervisor alone would orphan them); any
 * child still recorded in the pid files is killed afterwards.
 */
async function cleanUp(p: Proc, vdir: string): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGTERM');
    await Promise.race([p.exited, new Promise((r) => setTimeout(r, 5000))]);
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
  }
  const run = path.join(vdir, 'run');
  for (const f of fs.existsSync(run) ? fs.readdirSync(run) : []) {
    const pid = Number(fs.readFileSync(path.join(run, f), 'utf8'));
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  }
}
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-sup-'));
after(() => {
  fs.rmSync(modules, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

/** A conf dir like conf/ but on free ports, so the test never meets a running system. */
async function confDir(): Promise<{ dir: string; http: number; msg: number }> {
  const dir = fs.mkdtempSync(path.join(work, 'conf-'));
  const ports = { route: await freePort(), http: await freePort(), msg: await freePort() };
  const copy = (f: string, o: Record<string, number>): void =>
    fs.writeFileSync(path.join(dir, f), applyOverrides(fs.readFileSync(path.join(repoRoot, 'conf', f), 'utf8'), o));
  copy('routeserver.conf', { ListenMsgPort: ports.route });
  copy('loginserver.conf', { HttpPort: ports.http, ClientPort: 0, MsgServerPort: 0 });
  copy('msgserver.conf', { ListenPort: ports.msg });
  return { dir, http: ports.http, msg: ports.msg };
}

test('tt start runs the built servers in order, prints endpoints, restarts a crashed one and stops all on SIGINT', async () => {
  const c = await confDir();
  const vdir = path.join(work, 'var');
  const p = runTt(['start', '--conf-dir', c.dir, '--var-dir', vdir], modules);
  try {
    await waitFor(p, /running; Ctrl-C stops everything/, 20_000);
    const out = p.out();
    const logs = (): string => ['route', 'login', 'msg'].map((n) => fs.readFileSync(path.join(vdir, 'log', `${n}.log`), 'utf8')).join('\n');
    assert.doesNotMatch(out, /exited/, `${out}\n${logs()}`);
    // dependency order, and the servers that do not exist are named as skipped
    assert.ok(out.indexOf('route up') < out.indexOf('login up') && out.indexOf('login up') < out.indexOf('msg up'), out);
    for (const missing of ['db_proxy', 'file', 'msfs', 'http_msg', 'push']) assert.match(out, new RegExp(`skipping ${missing}: not built`));
    assert.ok(out.includes(`http://127.0.0.1:${c.http}/msg_server`), out);
    assert.ok(out.includes(`127.0.0.1:${c.msg}`), out);

    const pidOf = (name: string): number => Number(fs.readFileSync(path.join(vdir, 'run', `${name}.pid`), 'utf8'));
    const oldMsg = pidOf('msg');
    const pids = ['route', 'login'].map(pidOf);
    process.kill(oldMsg, 'SIGKILL');
    await waitFor(p, /msg exited \(signal SIGKILL\); restarting in 1\.0 s/);
    const end = Date.now() + 10_000;
    while (!(fs.existsSync(path.join(vdir, 'run', 'msg.pid')) && pidOf('msg') !== oldMsg && alive(pidOf('msg')))) {
      assert.ok(Date.now() < end, `msg was not restarted:\n${p.out()}\n${fs.readFileSync(path.join(vdir, 'log', 'msg.log'), 'utf8')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const newMsg = pidOf('msg');
    // each server logs to its own file
    assert.match(fs.readFileSync(path.join(vdir, 'log', 'login.log'), 'utf8'), /login started/);

    p.child.kill('SIGINT');
    const { code } = await p.exited;
    assert.equal(code, 0, p.out());
    assert.match(p.out(), /msg stopped[\s\S]*login stopped[\s\S]*route stopped[\s\S]*all stopped/);
    for (const pid of [...pids, newMsg]) assert.equal(alive(pid), false, `pid ${pid} gone`);
  } finally {
    await cleanUp(p, vdir);
  }
});

test('a child with a configuration error is not restarted', async () => {
  const c = await confDir();
  fs.writeFileSync(path.join(c.dir, 'routeserver.conf'), 'ListenIP=127.0.0.1\n');
  const vdir = path.join(work, 'var2');
  const p = runTt(['start', '--conf-dir', c.dir, '--var-dir', vdir, '--only', 'route'], modules);
  try {
    await waitFor(p, /route exited with a configuration error \(code 2\); not restarting/, 15_000);
    p.child.kill('SIGTERM');
    assert.equal((await p.exited).code, 0);
    assert.doesNotMatch(p.out(), /restarting in/);
  } finally {
    await cleanUp(p, vdir);
  }
});

test('children stop by themselves when the supervisor is killed outright', async () => {
  const c = await confDir();
  const vdir = path.join(work, 'var3');
  const p = runTt(['start', '--conf-dir', c.dir, '--var-dir', vdir, '--only', 'route,msg'], modules);
  try {
    await waitFor(p, /running; Ctrl-C stops everything/, 20_000);
    const pids = ['route', 'msg'].map((n) => Number(fs.readFileSync(path.join(vdir, 'run', `${n}.pid`), 'utf8')));
    p.child.kill('SIGKILL');
    await p.exited;
    const end = Date.now() + 10_000;
    while (pids.some(alive)) {
      assert.ok(Date.now() < end, `children ${pids.filter(alive).join(', ')} still running`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // they went through their normal stop (the stand-in records it next to its conf)
    assert.ok(fs.existsSync(path.join(c.dir, 'msgserver.conf.stopped')));
  } finally {
    await cleanUp(p, vdir);
  }
});
