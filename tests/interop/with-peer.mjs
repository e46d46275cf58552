// Runs a test command against one or more peer processes:
//   node with-peer.mjs PEER [ARGS...] [--then PEER [ARGS...]]... -- COMMAND [ARGS...]
// `{tmp}` in the peers' arguments becomes a fresh temporary folder (removed afterwards), also
// passed to COMMAND as PEER_TMP, e.g. for a ready file that holds the world's secrets.
// Each peer prints one JSON line when it is ready ({"url", "ca_file", ...}); peers start one
// after the other, and `{peerN:json.path}` in a later peer's arguments becomes that value of
// the N-th peer's ready line (e.g. `--mcp-url {peer1:mcp.url}`), since with port 0 a URL is
// known only once its server is up.
// COMMAND then runs with PEER_READY (the first peer's line; PEER_READY_N for the N-th),
// PEER_URL and NODE_EXTRA_CA_CERTS (the first peer's CA, which Node reads only at start-up)
// in its environment. The peers are stopped by closing their stdin and SIGTERM, last first;
// the exit code is COMMAND's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const split = process.argv.indexOf('--');
if (split < 3 || split === process.argv.length - 1) {
  console.error('usage: node with-peer.mjs PEER [ARGS...] [--then PEER [ARGS...]]... -- COMMAND [ARGS...]');
  process.exit(2);
}
const peerCommands = [[]];
for (const arg of process.argv.slice(2, split)) {
  if (arg === '--then') peerCommands.push([]);
  else peerCommands.at(-1).push(arg);
}
if (peerCommands.some((command) => command.length === 0)) {
  console.error('with-peer: every --then needs a peer command');
  process.exit(2);
}
const [testCommand, ...testArgs] = process.argv.slice(split + 1);
const tmp = mkdtempSync(join(tmpdir(), 'toolauth-interop-'));

const peers = [];  // {process, ready, line}
let stopping = false;

function stopPeers(done) {
  stopping = true;
  const stopNext = () => {
    const peer = peers.pop();
    if (!peer) return done();
    if (peer.process.exitCode !== null || peer.process.signalCode !== null) return stopNext();
    peer.process.stdin.end();
    peer.process.kill('SIGTERM');
    const killTimer = setTimeout(() => peer.process.kill('SIGKILL'), 10_000);
    peer.process.on('exit', () => {
      clearTimeout(killTimer);
      stopNext();
    });
  };
  stopNext();
}

function fail(message) {
  console.error(`with-peer: ${message}`);
  for (const peer of peers) peer.process.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
}

// `{tmp}` and `{peerN:a.b}` in one argument.
function expand(arg) {
  return arg.replaceAll('{tmp}', tmp).replace(/\{peer(\d+):([\w.]+)\}/g, (whole, n, path) => {
    const peer = peers[Number(n) - 1];
    const value = peer && path.split('.').reduce((at, key) => at?.[key], peer.ready);
    if (typeof value !== 'string') fail(`${whole}: no such value in the ready line of peer ${n}`);
    return value;
  });
}

function startPeer(index) {
  if (index === peerCommands.length) return runTest();
  const [command, ...args] = peerCommands[index].map(expand);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const peer = { process: child, ready: null, line: null };
  peers.push(peer);
  child.on('exit', (code, signal) => {
    if (!peer.ready) fail(`peer ${index + 1} exited before it was ready (code ${code}, signal ${signal})`);
    else if (!stopping) console.error(`with-peer: peer ${index + 1} exited (code ${code}, signal ${signal})`);
  });
  const readyTimer = setTimeout(() => fail(`peer ${index + 1} not ready within 60 s`), 60_000);
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (peer.ready) {
      process.stdout.write(`[peer${index + 1}] ${line}\n`);
      return;
    }
    try {
      peer.ready = JSON.parse(line);
      peer.line = line;
    } catch {
      fail(`first line of peer ${index + 1} is not JSON: ${line}`);
    }
    clearTimeout(readyTimer);
    startPeer(index + 1);
  });
}

function runTest() {
  const [first] = peers;
  const env = {
    ...process.env,
    PEER_READY: first.line,
    PEER_TMP: tmp,
    PEER_URL: first.ready.url ?? '',
    NODE_EXTRA_CA_CERTS: first.ready.ca_file ?? process.env.NODE_EXTRA_CA_CERTS ?? '',
  };
  peers.forEach((peer, i) => {
    env[`PEER_READY_${i + 1}`] = peer.line;
  });
  const test = spawn(testCommand, testArgs, { stdio: 'inherit', env });
  test.on('exit', (code, signal) => {
    stopPeers(() => {
      rmSync(tmp, { recursive: true, force: true });
      process.exit(code ?? (signal ? 1 : 0));
    });
  });
}

startPeer(0);
