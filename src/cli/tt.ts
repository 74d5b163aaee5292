#!/usr/bin/env node
/**
 * The `tt` command: `tt <server> --conf <file>` runs one server, `tt start` supervises all of them,
 * `tt provision` prepares MariaDB and Redis. Servers also answer to their original names
 * (`tt msg_server --conf conf/msgserver.conf`).
 */
import * as path from 'node:path';
import { Command } from 'commander';
import { clientCommand } from './clientCommand';
import { provisionCommand } from './provisionCommand';
import { runServer } from './runServer';
import { SERVERS } from './serverCatalog';
import { startCommand } from './startCommand';
import { repoRoot } from './provision/paths';

const fail = (e: unknown): never => {
  console.error(`tt: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
};

const program = new Command('tt').description('TeamTalk server suite in TypeScript').showHelpAfterError();

for (const s of SERVERS) {
  program
    .command(s.name)
    .alias(s.original === s.name ? `${s.name}_server` : s.original)
    .description(`run ${s.original} (default conf: conf/${s.confFile})`)
    .option('-c, --conf <file>', 'configuration file', path.join(repoRoot, 'conf', s.confFile))
    .option('--config <file>', 'same as --conf')
    .option('--pid-file <file>', 'write the process id here while running')
    .option('--exit-with-parent', 'stop when the parent process (the supervisor) goes away')
    .action((o: { conf: string; config?: string; pidFile?: string; exitWithParent?: boolean }) =>
      runServer(s, o.config ?? o.conf, o.pidFile, o.exitWithParent ?? false).catch(fail),
    );
}

program
  .command('start')
  .description('run every built server under supervision until Ctrl-C')
  .option('--conf-dir <dir>', 'directory with the .conf files')
  .option('--var-dir <dir>', 'directory for logs and pid files')
  .option('--only <names>', 'comma-separated servers to run')
  .action((o: { confDir?: string; varDir?: string; only?: string }) => startCommand(o).catch(fail));

program
  .command('provision')
  .description('make MariaDB and Redis reachable and create the schema and demo data')
  .option('-c, --conf <file>', 'dbproxyserver.conf with the MySQL and Redis settings')
  .option('--test', 'also create the test database')
  // not --env-file: Node 20 takes that flag for itself wherever it appears on the command line
  .option('--write-env <file>', 'write the TT_TEST_* settings as JSON to this file')
  .option('--var-dir <dir>', 'where private MariaDB/Redis keep data, pid files and logs (default var/)')
  .action((o: { conf?: string; test?: boolean; writeEnv?: string; varDir?: string }) =>
    provisionCommand({ conf: o.conf, test: o.test, envFile: o.writeEnv, varDir: o.varDir }).then(() => process.exit(0), fail));

program
  .command('client')
  .description('log in like a TeamTalk client: ask login_server, connect, log in, optionally send a text')
  .option('--login-url <url>', 'login_server HTTP endpoint', 'http://127.0.0.1:8080/msg_server')
  .requiredOption('-u, --user <name>', 'user name (demo: alice, bob, carol)')
  .option('-p, --password <plain>', 'plain password (sent as its MD5 hex)', '123456')
  .option('--to <userId>', 'send a text to this user id', (v) => Number.parseInt(v, 10))
  .option('--text <text>', 'the text to send')
  .option('--listen <seconds>', 'print arriving messages for this long', (v) => Number.parseInt(v, 10), 0)
  .option('--aes-key <key>', 'message content key (the servers\' aesKey)')
  .action((o: { loginUrl: string; user: string; password: string; to?: number; text?: string; listen: number; aesKey?: string }) =>
    clientCommand(o).then((code) => process.exit(code), fail));

program.parseAsync(process.argv).catch(fail);
