// Loaded into every test process (`--import`): a worker thread watches the main thread's event
// loop. When it has not turned for STALL_S seconds (a synchronous loop, or a heap so full that
// the collector runs all the time), the worker pauses the main thread through the inspector and
// prints its JavaScript stack to stderr, so a test file that hangs says where instead of only
// timing out.
import { Worker } from 'node:worker_threads';

const STALL_S = Number(process.env.SLOVO_WATCHDOG_S ?? 30);
const beat = new Int32Array(new SharedArrayBuffer(4));
const start = Date.now();
const now = () => Math.floor((Date.now() - start) / 1000);
Atomics.store(beat, 0, now());
setInterval(() => Atomics.store(beat, 0, now()), 1000).unref();

const code = `
const { workerData } = require('node:worker_threads');
const inspector = require('node:inspector');
const fs = require('node:fs');
// straight to fd 2: a worker's process.stderr goes through the main thread, which is stuck
const say = (t) => { try { fs.writeSync(2, t); } catch {} };
const { beat, stall, start, file } = workerData;
const now = () => Math.floor((Date.now() - start) / 1000);
let reported = -1;
function report(last) {
  const s = new inspector.Session();
  try { s.connectToMainThread(); } catch (e) { say('watchdog: no inspector: ' + e.message + '\\n'); return; }
  const mb = Math.round(process.memoryUsage().rss / 1048576);
  const urls = new Map();
  s.on('Debugger.scriptParsed', (m) => urls.set(m.params.scriptId, m.params.url));
  s.on('Debugger.paused', (m) => {
    const frames = m.params.callFrames.slice(0, 25).map((f) => '    at ' + (f.functionName || '(anonymous)') + ' ' + (f.url || urls.get(f.location.scriptId) || '?') + ':' + (f.location.lineNumber + 1) + ':' + (f.location.columnNumber + 1));
    say('watchdog: the event loop of ' + file + ' has not turned for ' + (now() - last) + ' s (rss ' + mb + ' MB); main thread stack:\\n' + frames.join('\\n') + '\\n');
    s.post('Debugger.resume', () => s.post('Debugger.disable', () => s.disconnect()));
  });
  s.post('Debugger.enable', () => s.post('Debugger.pause'));
}
setInterval(() => {
  const last = Atomics.load(beat, 0);
  if (now() - last >= stall && reported !== last) { reported = last; report(last); }
}, 2000);
`;
try {
  const w = new Worker(code, { eval: true, workerData: { beat, stall: STALL_S, start, file: process.argv[1] ?? process.argv0 } });
  w.unref();
  w.on('error', (e) => process.stderr.write(`watchdog: ${e.message}\n`));
} catch (e) {
  process.stderr.write(`watchdog: not started: ${(e as Error).message}\n`);
}
