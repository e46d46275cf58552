// Runs a test command against a peer process:
//   node with-peer.mjs PEER [ARGS...] -- COMMAND [ARGS...]
// `{tmp}` in the peer's arguments becomes a fresh temporary folder (removed afterwards), also
// passed to COMMAND as PEER_TMP, e.g. for a ready file that holds the world's secrets.
// The peer prints one JSON line when it is ready ({"url", "ca_file", ...}). COMMAND then
// runs with PEER_READY (that line), PEER_URL and NODE_EXTRA_CA_CERTS (the peer's CA, which
// Node reads only at start-up) in its environment. The peer is stopped by closing its stdin
// and SIGTERM; the exit code is COMMAND's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const split = process.argv.indexOf('--');
if (split < 3 || split === process.argv.length - 1) {
  console.error('usage: node with-peer.mjs PEER [ARGS...] -- COMMAND [ARGS...]');
  process.exit(2);
}
const tmp = mkdtempSync(join(tmpdir(), 'toolauth-interop-'));
const [peerCommand, ...peerArgs] = process.argv.slice(2, split).map((arg) => arg.replaceAll('{tmp}', tmp));
const [testCommand, ...testArgs] = process.argv.slice(split + 1);

const peer = spawn(peerCommand, peerArgs, { stdio: ['pipe', 'pipe', 'inherit'] });
const fail = (message) => {
  console.error(`with-peer: ${message}`);
  peer.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
};
peer.on('exit', (code, signal) => {
  if (!ready) fail(`peer exited before it was ready (code ${code}, signal ${signal})`);
});
const readyTimer = setTimeout(() => fail('peer not ready within 60 s'), 60_000);

let ready = null;
const lines = createInterface({ input: peer.stdout });
lines.on('line', (line) => {
  if (ready) {
    process.stdout.write(`[peer] ${line}\n`);
    return;
  }
  try {
    ready = JSON.parse(line);
  } catch {
    fail(`first line of the peer is not JSON: ${line}`);
  }
  clearTimeout(readyTimer);
  const env = {
    ...process.env,
    PEER_READY: line,
    PEER_TMP: tmp,
    PEER_URL: ready.url ?? '',
    NODE_EXTRA_CA_CERTS: ready.ca_file ?? process.env.NODE_EXTRA_CA_CERTS ?? '',
  };
  const test = spawn(testCommand, testArgs, { stdio: 'inherit', env });
  test.on('exit', (code, signal) => {
    peer.stdin.end();
    peer.kill('SIGTERM');
    const killTimer = setTimeout(() => peer.kill('SIGKILL'), 10_000);
    peer.on('exit', () => {
      clearTimeout(killTimer);
      rmSync(tmp, { recursive: true, force: true });
      process.exit(code ?? (signal ? 1 : 0));
    });
  });
});
