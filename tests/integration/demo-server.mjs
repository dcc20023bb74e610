// `node tests/integration/demo-server.mjs start LOGFILE`: creates a database
// with the demo city in the test cluster, starts `parity serve` on a free
// port in the background (its output to LOGFILE), and prints "URL PID".
// Used by tests/run.sh for the browser tests.
import { freshDatabase, loadDemo, startServer } from './lib.mjs';

const [cmd, logFile] = process.argv.slice(2);
if (cmd !== 'start' || !logFile) {
  console.error('usage: demo-server.mjs start LOGFILE');
  process.exit(2);
}
const db = freshDatabase('demo_browser');
loadDemo(db);
const server = await startServer(db, { logFile, detached: true });
server.proc.unref();
console.log(`${server.url} ${server.proc.pid}`);
process.exit(0);
