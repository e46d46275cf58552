// fixtures/ready.schema.json against what the servers really announce: the ready line on stdout
// and the full ready file of `toolauth idp`, `mcp`, `emulator` and `up` (and `up --print-world`),
// validated with Ajv (draft 2020-12). Broken documents must be refused, or the schema proves
// nothing. Also: `toolauth up` stops cleanly (exit 0) on SIGTERM and SIGINT.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';

import Ajv2020 from 'ajv/dist/2020.js';

const toolauth = process.env.TOOLAUTH_BIN;
assert.ok(toolauth, 'TOOLAUTH_BIN names the toolauth binary');
const schema = JSON.parse(readFileSync(new URL('../../../fixtures/ready.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

const folders = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function expectValid(document, what) {
  const valid = validate(document);
  assert.ok(valid, `${what}: ${JSON.stringify(validate.errors, null, 1)}`);
}

function expectRefused(document, what) {
  assert.equal(validate(document), false, `${what} must be refused`);
}

// Starts `toolauth ARGS... --state-dir T --ready-file T/ready.json` in a fresh folder T and
// resolves with its ready line (parsed), its ready file (parsed) and a stop(signal) function
// that resolves with the exit code and signal.
async function announce(args) {
  const folder = mkdtempSync(join(tmpdir(), 'toolauth-ready-'));
  folders.push(folder);
  const readyFile = join(folder, 'ready.json');
  const child = spawn(toolauth, [...args, '--state-dir', join(folder, 'state'), '--ready-file', readyFile, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  const line = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`toolauth ${args[0]} exited (${code}) before it was ready: ${stderr}`)));
  });
  return {
    line: JSON.parse(line),
    rawLine: line,
    file: JSON.parse(readFileSync(readyFile, 'utf8')),
    fileMode: statSync(readyFile).mode & 0o777,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}

const allPortsFree = ['--emulator-port', '0', '--emulator-http-port', '0', '--idp-port', '0', '--idp-mi-port', '0', '--mcp-port', '0'];
const servers = {
  idp: ['idp', '--port', '0', '--mi-port', '0'],
  mcp: ['mcp', '--port', '0'],
  emulator: ['emulator', '--port', '0', '--http-port', '0'],
  up: ['up', ...allPortsFree],
};

for (const [name, args] of Object.entries(servers)) {
  test(`toolauth ${name}: the ready line and the ready file follow the schema`, async () => {
    const server = await announce(args);
    try {
      expectValid(server.line, `${name} ready line`);
      expectValid(server.file, `${name} ready file`);
      assert.equal(server.line.world, undefined, 'the ready line never carries the world');
      assert.ok(server.file.world, 'the ready file carries the world');
      assert.equal(server.fileMode, 0o600);
      const { world, ...publicPart } = server.file;
      assert.deepEqual(server.line, publicPart, 'the line is the file without its world');
    } finally {
      const { code, signal, stderr } = await server.stop();
      assert.equal(code, 0, `exit after SIGTERM (signal ${signal}): ${stderr}`);
    }
  });
}

test('toolauth up: every section, and --print-world puts the world on the line', async () => {
  const server = await announce(['up', ...allPortsFree, '--print-world']);
  try {
    expectValid(server.line, 'up --print-world line');
    for (const section of ['idp', 'mcp', 'emulator']) assert.ok(server.line[section], section);
    for (const section of ['tenants', 'users', 'clients', 'resources', 'identities', 'mounts', 'projects']) {
      assert.ok(Array.isArray(server.line.world[section]), section);
    }
    assert.deepEqual(server.line, server.file);
  } finally {
    const { code, stderr } = await server.stop('SIGINT');
    assert.equal(code, 0, `exit after SIGINT: ${stderr}`);
    assert.match(stderr, /export NODE_EXTRA_CA_CERTS=/, 'the summary names the client environment');
    assert.match(stderr, /export IDENTITY_ENDPOINT=/);
  }
});

test('the schema refuses broken ready documents', async () => {
  const server = await announce(servers.up);
  await server.stop();
  const good = server.file;
  expectValid(good, 'the untouched document');
  const broken = (change) => {
    const copy = structuredClone(good);
    change(copy);
    return copy;
  };
  expectRefused(broken((d) => delete d.defects), 'no defects');
  expectRefused(broken((d) => delete d.idp && delete d.mcp && delete d.emulator), 'no server section');
  expectRefused(broken((d) => (d.ca_file = 'tls/ca.pem')), 'a relative ca_file');
  expectRefused(broken((d) => (d.emulator.url = 'http://localhost:4780')), 'an emulator that is not HTTPS');
  expectRefused(broken((d) => (d.extra = true)), 'an unknown top-level key');
  expectRefused(broken((d) => (d.env.NODE_EXTRA_CA_CERTS = 42)), 'a variable that is not a string');
  expectRefused(broken((d) => (d.world.tenants[0].profile = 'aad')), 'an unknown tenant profile');
  expectRefused(broken((d) => delete d.world.users[0].password), 'a user without password');
  expectRefused(broken((d) => (d.world.clients[0].grants = ['implicit'])), 'an unknown grant');
  expectRefused(broken((d) => (d.world.identities[0].kind = 'robot')), 'an unknown identity kind');
  expectRefused(broken((d) => (d.world.projects[0].connections[0].auth_type = 'ApiKey')), 'an unknown auth type');
  expectRefused(broken((d) => (d.world.projects[0].agents[0].require_approval = 'sometimes')), 'an unknown approval mode');
  expectRefused(broken((d) => (d.world.mounts[0].auth = 'basic')), 'an unknown mount auth');
  expectRefused(
    broken((d) => delete d.world.mounts.find((m) => m.auth === 'api-key').key),
    'an api-key mount without its key',
  );
});
