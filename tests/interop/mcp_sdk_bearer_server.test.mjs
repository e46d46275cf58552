// Certifying what we did not write: `toolauth certify --profile mcp-server` against
// examples/mcp-sdk-bearer-server (the MCP TypeScript SDK's bearer-auth middleware + jose),
// in the two steps a platform team takes:
//   1. `certify --print-setup` with fixed ports and a kept state folder -> setup.json;
//   2. the IUT starts configured from setup.json (and, for HTTPS, a certificate of its own CA);
//   3. `certify --target ... --baseline examples/.../baseline.json` with the same ports and folder.
// The run must match the committed baseline exactly (no new failure, no stale expectation),
// and the scenarios an honest SDK server passes must have passed, so the example cannot hide
// behind its baseline.
//
// Environment: TOOLAUTH_BIN (the toolauth binary), TOOLAUTH_EXAMPLE_DIR (the example folder).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const toolauth = process.env.TOOLAUTH_BIN;
const exampleDir = process.env.TOOLAUTH_EXAMPLE_DIR;
assert.ok(toolauth && exampleDir, 'TOOLAUTH_BIN and TOOLAUTH_EXAMPLE_DIR must be set');
const baselineFile = path.join(exampleDir, 'baseline.json');

// Scenarios the SDK server must pass whatever the baseline says.
const kMustPass = [
  'mcp-server/challenge/missing-token', 'mcp-server/prm/valid', 'mcp-server/token/valid',
  'mcp-server/token/whoami', 'mcp-server/token/expired', 'mcp-server/token/not-yet-valid',
  'mcp-server/token/wrong-audience',
  'mcp-server/token/wrong-issuer', 'mcp-server/token/bad-signature', 'mcp-server/token/alg-none',
  'mcp-server/token/hs256-key-confusion', 'mcp-server/token/unknown-kid',
  'mcp-server/token/other-tenant', 'mcp-server/token/missing-scope',
];

let dir;
const children = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Runs a command to its end; resolves with its status and output.
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// Starts the example server and waits for its ready line.
function startServer(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(exampleDir, 'server.mjs'), ...args],
                        { cwd: exampleDir, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let buffered = '';
    child.stdout.on('data', (d) => {
      buffered += d;
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n')) resolve({ child, ready: JSON.parse(line) });
    });
    child.on('exit', (status) => reject(new Error(`server.mjs exited with ${status} before it was ready`)));
  });
}

// A CA of the IUT's own (not the run's local CA) and a certificate for 127.0.0.1 and localhost.
function makeIutCertificate() {
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
          '-keyout', 'iut-ca.key', '-out', 'iut-ca.pem', '-days', '2', '-subj', '/CN=IUT test CA',
          '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
          '-keyout', 'iut.key', '-out', 'iut.csr', '-subj', '/CN=localhost');
  writeFileSync(path.join(dir, 'iut.ext'),
                'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'iut.csr', '-CA', 'iut-ca.pem', '-CAkey', 'iut-ca.key',
          '-CAcreateserial', '-out', 'iut.pem', '-days', '1', '-extfile', 'iut.ext');
  return { ca: path.join(dir, 'iut-ca.pem'), cert: path.join(dir, 'iut.pem'), key: path.join(dir, 'iut.key') };
}

let ports;
let setupFile;
let setup;

function stackArgs() {
  return ['--state-dir', path.join(dir, 'state'), '--idp-port', String(ports.idp), '--mcp-port', String(ports.mcp)];
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'toolauth-mcp-sdk-bearer-'));
  ports = { idp: await freePort(), mcp: await freePort() };
  const printed = await run(toolauth, ['certify', '--profile', 'mcp-server', '--print-setup', ...stackArgs()]);
  assert.equal(printed.status, 0, printed.stderr);
  setup = JSON.parse(printed.stdout);  // the whole stdout is one JSON document
  setupFile = path.join(dir, 'setup.json');
  writeFileSync(setupFile, printed.stdout);
});

after(() => {
  for (const child of children) child.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('--print-setup is JSON with everything an IUT must be configured with', () => {
  const idp = `https://localhost:${ports.idp}`;
  assert.equal(setup.profile, 'mcp-server');
  assert.match(setup.issuer, new RegExp(`^${idp}/${setup.tenant_id}/v2\\.0$`));
  assert.equal(setup.jwks_uri, `${idp}/${setup.tenant_id}/discovery/v2.0/keys`);
  assert.equal(setup.required_scope, 'Tools.Invoke');
  assert.ok(setup.audiences.length >= 1);
  assert.equal(setup.ca_file, path.join(dir, 'state', 'tls', 'ca.pem'));
  assert.match(readFileSync(setup.ca_file, 'utf8'), /BEGIN CERTIFICATE/);
});

async function certify(target, extraArgs, out) {
  return run(toolauth, ['certify', '--profile', 'mcp-server', '--target', target, ...stackArgs(),
                        '--baseline', baselineFile, '--out', out, ...extraArgs]);
}

function checkReport(out, target) {
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.equal(report.ok, true, report.error);
  assert.equal(report.target.url, target);
  assert.deepEqual([...report.capabilities].sort(), ['bearer', 'whoami']);
  const verdicts = Object.fromEntries(report.scenarios.map((s) => [s.id, s]));
  for (const id of kMustPass) assert.equal(verdicts[id]?.verdict, 'passed', `${id}: ${verdicts[id]?.reason}`);
  const baseline = JSON.parse(readFileSync(baselineFile, 'utf8'));
  for (const { id } of baseline.expected_failures) {
    assert.equal(verdicts[id]?.expected_failure, true, `${id} is in the baseline but did not fail`);
  }
  // The whoami answer named alice by oid, which the SDK server read from the verified token.
  const whoami = verdicts['mcp-server/token/whoami'].observations.find((o) => o.result);
  assert.equal(JSON.parse(whoami.result.content[0].text).tid, setup.tenant_id);
  return report;
}

test('the SDK server over HTTPS with its own CA matches the baseline (--target-ca-file)', async () => {
  const tls = makeIutCertificate();
  const port = await freePort();
  const target = `https://127.0.0.1:${port}/mcp`;
  await startServer(['--setup', setupFile, '--url', target, '--tls-cert', tls.cert, '--tls-key', tls.key]);

  const untrusted = await certify(target, [], path.join(dir, 'untrusted'));
  assert.equal(untrusted.status, 1, 'a run that cannot verify the IUT\'s certificate must fail');
  assert.match(untrusted.stdout, /could not be prepared: .*TLS handshake/);

  const out = path.join(dir, 'https');
  const certified = await certify(target, ['--target-ca-file', tls.ca], out);
  assert.equal(certified.status, 0, certified.stdout + certified.stderr);
  checkReport(out, target);
});

test('the SDK server over plain HTTP on loopback matches the baseline', async () => {
  const port = await freePort();
  const target = `http://127.0.0.1:${port}/mcp`;
  await startServer(['--setup', setupFile, '--url', target]);
  const out = path.join(dir, 'http');
  const certified = await certify(target, [], out);
  assert.equal(certified.status, 0, certified.stdout + certified.stderr);
  checkReport(out, target);
});

test('plain HTTP to a host that is not loopback, and a missing --target-ca-file, are usage errors', async () => {
  const refused = await run(toolauth, ['certify', '--profile', 'mcp-server', '--target', 'http://example.com/mcp']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /plain http on loopback/);
  const noCa = await run(toolauth, ['certify', '--profile', 'mcp-server', '--target', 'https://127.0.0.1:1/mcp',
                                    '--target-ca-file', path.join(dir, 'absent.pem')]);
  assert.equal(noCa.status, 2);
  assert.match(noCa.stderr, /absent\.pem is not a readable file/);
});
