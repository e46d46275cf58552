#!/usr/bin/env node
// Crash safety of the emulator's OAuth2 identity passthrough (issue 8, "Crash safety"): real
// `toolauth idp`, `toolauth mcp` and `toolauth emulator` processes on one state folder; the
// emulator is killed with SIGKILL at a chosen point of a consent callback or of a refresh,
// started again on the same port and state folder, and checked:
//   - every consent the browser saw acknowledged ("Consent complete") is still usable: the
//     user's call completes without a new consent request;
//   - the vault opens and every entry decrypts (GET /_admin/vault: `readable`);
//   - an entry whose refresh was interrupted asks for a new consent and never presents its
//     refresh token again;
//   - mock-idp's token journal shows no refresh token presented twice (`use`, the short hash
//     of the presented token) and no family revoked for reuse. contoso runs with strict
//     rotation here, so a reuse would also be refused (AADSTS50173).
// Kill points are made certain by the admin planes, never by sleeping or by hooks in the
// product: mock-idp holds the token endpoint (a fault with latency, before or after carrying
// the grant out) and the emulator is killed once the IdP has the request (or has journalled
// the grant); mock-mcp holds the tool call that follows a stored refresh. Token expiry comes
// from the three servers' clocks (POST /_admin/clock), advanced together.
//
// Usage: node tests/crash/crash_loop.mjs --toolauth PATH [--iterations N] [--seed N]
// Prints a summary; exits 1 when any check failed (the first failures are listed), 2 on usage.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const POINTS = [
  'callback-before-exchange-answer', // the IdP holds the code exchange, not yet redeemed
  'callback-after-exchange-answer', // the IdP redeemed the code and holds its answer
  'callback-after-acknowledged', // the browser got "Consent complete"
  'refresh-before-answer', // the IdP holds the refresh, not yet redeemed
  'refresh-after-answer', // the IdP rotated the refresh token and holds its answer
  'refresh-after-store', // the new tokens are stored; mock-mcp holds the tool call
];
const HOLD_MS = 800; // how long the IdP or mock-mcp holds a request the emulator is killed in

function usage(message) {
  console.error(`crash_loop: ${message}\nusage: crash_loop.mjs --toolauth PATH [--iterations N] [--seed N]`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { iterations: 200, seed: 1, toolauth: '' };
  for (let i = 0; i < argv.length; i += 1) {
    const [name, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[(i += 1)];
    if (name === '--toolauth') args.toolauth = value();
    else if (name === '--iterations') args.iterations = Number(value());
    else if (name === '--seed') args.seed = Number(value());
    else usage(`unknown argument ${argv[i]}`);
  }
  if (!args.toolauth || !existsSync(args.toolauth)) usage('--toolauth must name the built binary');
  if (!Number.isInteger(args.iterations) || args.iterations < 1) usage('--iterations must be a positive integer');
  if (!Number.isInteger(args.seed)) usage('--seed must be an integer');
  return args;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

// HTTPS against the stack's local CA, one connection per request (a killed server leaves no
// pooled socket behind).
class Https {
  constructor(caFile) {
    this.agent = new https.Agent({ ca: readFileSync(caFile), keepAlive: false });
  }

  request(url, { method = 'GET', headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
      const request = https.request(url, { method, headers, agent: this.agent, timeout: 30_000 }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error(`timeout: ${method} ${url}`)));
      request.on('error', reject);
      if (body !== undefined) request.write(body);
      request.end();
    });
  }

  async json(url, { method = 'GET', body, headers = {} } = {}) {
    const response = await this.request(url, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let parsed = null;
    try {
      parsed = JSON.parse(response.body);
    } catch {
      // not JSON: the caller looks at the status
    }
    return { status: response.status, body: parsed, text: response.body };
  }

  form(url, fields, headers = {}) {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

// One `toolauth <command>` process: started, waited for (its ready file), killed.
class Server {
  constructor(toolauth, argv, readyFile) {
    Object.assign(this, { toolauth, argv, readyFile, child: null, stderr: '' });
  }

  async start() {
    rmSync(this.readyFile, { force: true });
    this.stderr = '';
    this.child = spawn(this.toolauth, [...this.argv, '--ready-file', this.readyFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    for (let waited = 0; waited < 60_000; waited += 10) {
      if (existsSync(this.readyFile)) {
        try {
          return JSON.parse(readFileSync(this.readyFile, 'utf8'));
        } catch {
          // still being written
        }
      }
      if (this.child.exitCode !== null) break;
      await pause(10);
    }
    throw new Error(`${this.argv[0]} did not become ready: ${this.stderr}`);
  }

  async kill(signal = 'SIGKILL') {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    const { signal: got } = await this.exited;
    if (signal === 'SIGKILL' && got !== 'SIGKILL') throw new Error(`the emulator was not killed by SIGKILL (${got})`);
  }
}

// A browser for the consent link: follows the emulator's redirect to mock-idp, signs in and
// approves there (mock-idp/include/toolauth/idp/sign_in_pages.h), and stops at the redirect
// back to the emulator's callback, which the caller sends when it chooses.
async function signInUntilCallback(http, idpUrl, consentLink, account) {
  const cookies = new Map();
  const send = async (url, init = {}) => {
    const headers = { ...(init.headers ?? {}) };
    if (cookies.size > 0) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = init.fields ? await http.form(url, init.fields, headers) : await http.request(url, { headers });
    for (const cookie of [response.headers['set-cookie'] ?? []].flat()) {
      const pair = cookie.split(';')[0];
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /Max-Age=0/i.test(cookie)) cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  };
  const field = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1] ?? '').replaceAll('&amp;', '&');
  let response = await send(consentLink);
  if (response.status !== 302) throw new Error(`consent link answered ${response.status}`);
  response = await send(response.headers.location);
  for (let hops = 0; hops < 4 && response.status === 200; hops += 1) {
    const html = response.body;
    const step = html.match(/<meta name="toolauth-step" content="([^"]*)">/)?.[1];
    const form = { flow: field(html, 'flow'), csrf_token: field(html, 'csrf_token') };
    if (step === 'login') {
      response = await send(new URL('/login', idpUrl), { fields: { ...form, username: account.username, password: account.password } });
    } else if (step === 'consent') {
      response = await send(new URL('/consent', idpUrl), { fields: { ...form, decision: 'approve' } });
    } else {
      throw new Error(`unexpected sign-in page ${step}`);
    }
  }
  if (response.status !== 302) throw new Error(`sign-in ended with ${response.status}`);
  const callback = response.headers.location;
  if (!callback.includes('/oauth/callback?')) throw new Error('the IdP did not redirect to the callback');
  return callback;
}

class CrashLoop {
  constructor(args) {
    this.args = args;
    this.random = mulberry32(args.seed);
    this.work = mkdtempSync(path.join(tmpdir(), 'toolauth-crash-'));
    this.clockOffset = 0;
    this.usesByHash = new Map(); // mock-idp journal: presented refresh token -> times
    this.journalSeq = 0;
    this.failures = [];
    this.acknowledged = new Set(); // users whose consent the browser saw completed
    this.stats = {
      iterations: 0,
      kills: Object.fromEntries(POINTS.map((p) => [p, 0])),
      consentsAcknowledged: 0,
      consentChecks: 0,
      consentsKept: 0,
      consentsLost: 0,
      acknowledgedAtKillKept: 0,
      interruptedRefreshReconsents: 0,
      entriesChecked: 0,
      entriesUnreadable: 0,
      refreshesAtIdp: 0,
      refreshTokensReused: 0,
      familiesRevokedForReuse: 0,
    };
  }

  fail(iteration, point, message) {
    this.failures.push(`iteration ${iteration} (${point}): ${message}`);
  }

  async start() {
    const [idpPort, miPort, mcpPort, emulatorPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    this.idpUrl = `https://localhost:${idpPort}`;
    this.mcpUrl = `https://localhost:${mcpPort}`;
    this.emulatorUrl = `https://localhost:${emulatorPort}`;
    const state = path.join(this.work, 'state');
    const common = ['--state-dir', state, '--idp-url', this.idpUrl, '--mcp-url', this.mcpUrl, '--emulator-url', this.emulatorUrl,
      '--emulator-http-url', this.emulatorUrl, '--log-level', 'error'];
    // The default world with strict refresh-token rotation for contoso (RFC 9700 reuse
    // detection), so a refresh token presented twice is also refused and revokes its family.
    const fixtures = JSON.parse(readFileSync(path.join(repo, 'fixtures/default/idp.json'), 'utf8'));
    fixtures.tenants.find((t) => t.name === 'contoso').refresh_rotation = 'strict';
    const idpFixtures = path.join(this.work, 'idp-strict.json');
    writeFileSync(idpFixtures, JSON.stringify(fixtures));
    const { toolauth } = this.args;
    this.idp = new Server(toolauth, ['idp', '--port', `${idpPort}`, '--mi-port', `${miPort}`, '--fixtures', idpFixtures, ...common],
      path.join(this.work, 'idp.json'));
    this.mcp = new Server(toolauth, ['mcp', '--port', `${mcpPort}`, ...common], path.join(this.work, 'mcp.json'));
    this.emulator = new Server(toolauth, ['emulator', '--port', `${emulatorPort}`, '--no-http', '--mi-url', `http://localhost:${miPort}`, ...common],
      path.join(this.work, 'emulator.json'));
    // The IdP first: it creates the state folder's local CA, which the other two then use.
    const ready = await this.idp.start();
    await this.mcp.start();
    await this.emulator.start();
    this.http = new Https(ready.ca_file);
    const world = ready.world;
    const named = (list, name) => list.find((e) => e.name === name);
    this.tenant = named(world.tenants, 'contoso').id;
    this.callerClient = named(world.clients, 'caller').client_id;
    this.connectorClient = named(world.clients, 'connector').client_id;
    this.users = Object.fromEntries(['alice', 'bob'].map((n) => [n, named(world.users, n)]));
  }

  async stop() {
    for (const server of [this.emulator, this.mcp, this.idp]) await server?.kill('SIGTERM');
    rmSync(this.work, { recursive: true, force: true });
  }

  // --- the servers' admin planes ---

  async admin(url, pathname, { method = 'GET', body } = {}) {
    const reply = await this.http.json(`${url}/_admin/${pathname}`, { method, body });
    if (reply.status >= 300) throw new Error(`${method} ${url}/_admin/${pathname}: ${reply.status} ${reply.text}`);
    return reply.body;
  }

  async setClocks(urls = [this.idpUrl, this.mcpUrl, this.emulatorUrl]) {
    for (const url of urls) await this.admin(url, 'clock', { method: 'POST', body: { offset_seconds: this.clockOffset } });
  }

  // Every access token in the vault expires: the next call of each user refreshes.
  async expireTokens() {
    this.clockOffset += 2 * 3600;
    await this.setClocks();
  }

  async idpFault(id, grantType, action) {
    await this.admin(this.idpUrl, 'faults', {
      method: 'POST',
      body: { id, match: { endpoint: 'token', grant_type: grantType, client_id: this.connectorClient }, action, count: 1 },
    });
  }

  async faultHits(url, id) {
    const list = await this.admin(url, 'faults');
    return list.rules.find((r) => r.id === id)?.hits ?? 0;
  }

  async clearFaults() {
    await this.admin(this.idpUrl, 'faults', { method: 'DELETE' });
    await this.admin(this.mcpUrl, 'faults', { method: 'DELETE' });
  }

  // New token-endpoint entries of mock-idp since the last call; refresh uses are tallied.
  // Every entry is read (all kinds) so that a gap in the sequence, entries the journal's
  // capacity pushed out unread, is noticed: the proof must be complete.
  async readIdpJournal() {
    const entries = [];
    for (;;) {
      const page = await this.admin(this.idpUrl, `journal?after=${this.journalSeq}&limit=1000`);
      for (const entry of page.entries) {
        if (entry.seq !== this.journalSeq + 1) throw new Error(`mock-idp's journal lost entries after seq ${this.journalSeq}`);
        this.journalSeq = entry.seq;
        if (entry.kind === 'token') entries.push(entry);
      }
      if (page.entries.length < 1000) break;
    }
    for (const f of entries) {
      if (f.grant_type !== 'refresh_token') continue;
      if (f.use) {
        const times = (this.usesByHash.get(f.use) ?? 0) + 1;
        this.usesByHash.set(f.use, times);
        if (times === 2) this.stats.refreshTokensReused += 1;
        if (f.outcome === 'issued') this.stats.refreshesAtIdp += 1;
      }
      if (f.reuse_detected) this.stats.familiesRevokedForReuse += 1;
    }
    return entries;
  }

  // Waits until mock-idp journalled a token request matching `predicate` (entries read on the
  // way are tallied as usual).
  async waitForIdpEntry(predicate, what) {
    for (let waited = 0; waited < 10_000; waited += 5) {
      if ((await this.readIdpJournal()).some((e) => predicate(e))) return;
      await pause(5);
    }
    throw new Error(`mock-idp never journalled ${what}`);
  }

  async waitFor(condition, what) {
    for (let waited = 0; waited < 10_000; waited += 5) {
      if (await condition()) return;
      await pause(5);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  // --- the user's side ---

  async userToken(name) {
    const account = this.users[name];
    const reply = await this.http.form(`${this.idpUrl}/${this.tenant}/oauth2/v2.0/token`, {
      grant_type: 'password',
      client_id: this.callerClient,
      username: account.username,
      password: account.password,
      scope: 'https://ai.azure.com/user_impersonation',
    });
    if (reply.status !== 200) throw new Error(`ROPC for ${name}: ${reply.status}`);
    return JSON.parse(reply.body).access_token;
  }

  // whoami through the OAuth2 passthrough agent: {status, consentLink, oid, id}.
  async whoami(name, token) {
    const reply = await this.http.json(`${this.emulatorUrl}/api/projects/alpha/openai/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token ?? (await this.userToken(name))}` },
      body: {
        agent: { type: 'agent_reference', name: 'oauth-invoke-agent' },
        input: 'whoami',
        tool_choice: { type: 'mcp', server_label: 'oauth-invoke', name: 'whoami' },
      },
    });
    if (reply.status !== 200) throw new Error(`responses for ${name}: ${reply.status} ${reply.text.slice(0, 300)}`);
    const output = reply.body.output ?? [];
    const consent = output.find((i) => i.type === 'oauth_consent_request');
    const call = output.find((i) => i.type === 'mcp_call');
    let oid = null;
    try {
      oid = call?.output ? JSON.parse(call.output).oid : null;
    } catch {
      // not the whoami answer
    }
    return { status: reply.body.status, consentLink: consent?.consent_link ?? null, oid, error: call?.error ?? null };
  }

  // Follows a consent link through mock-idp; returns the callback URL (not yet sent).
  callbackFor(name, consentLink) {
    return signInUntilCallback(this.http, this.idpUrl, consentLink, this.users[name]);
  }

  // A complete consent: the call asks, the browser approves, the callback acknowledges.
  async consent(name) {
    const first = await this.whoami(name);
    if (first.status === 'completed') return;
    if (!first.consentLink) throw new Error(`${name}: neither completed nor a consent request (${JSON.stringify(first)})`);
    const callback = await this.callbackFor(name, first.consentLink);
    const page = await this.http.request(callback);
    if (page.status !== 200 || !page.body.includes('Consent complete')) throw new Error(`${name}: callback answered ${page.status}`);
    this.acknowledged.add(name);
    this.stats.consentsAcknowledged += 1;
  }

  async revokeConsent(name) {
    await this.admin(this.emulatorUrl, `vault?user=${encodeURIComponent(this.users[name].oid)}`, { method: 'DELETE' });
    this.acknowledged.delete(name);
  }

  async vaultEntries() {
    return (await this.admin(this.emulatorUrl, 'vault')).entries;
  }

  entryOf(entries, name) {
    return entries.find((e) => e.user === this.users[name].oid);
  }

  // --- one iteration ---

  async restart() {
    await this.emulator.start();
    await this.setClocks([this.emulatorUrl]);
  }

  // Fires `name`'s call and kills the emulator once `ready()` holds; the call must then fail.
  async killDuring(callPromise, ready, what) {
    const settled = callPromise.then(
      () => ({ ok: true }),
      (error) => ({ ok: false, error }),
    );
    await this.waitFor(async () => (await ready()) || false, what);
    await this.emulator.kill();
    const outcome = await settled;
    if (outcome.ok) throw new Error(`the request in flight (${what}) completed although the emulator was killed`);
  }

  async iteration(i, point) {
    const reusedBefore = this.stats.refreshTokensReused + this.stats.familiesRevokedForReuse;
    await this.clearFaults();
    let interrupted = null; // the user whose refresh the kill interrupted
    if (point.startsWith('callback')) {
      await this.revokeConsent('bob');
      const asked = await this.whoami('bob');
      if (!asked.consentLink) throw new Error('bob was not asked to consent after his entry was revoked');
      const callback = await this.callbackFor('bob', asked.consentLink);
      if (point === 'callback-after-acknowledged') {
        const page = await this.http.request(callback);
        if (page.status !== 200 || !page.body.includes('Consent complete')) throw new Error(`callback answered ${page.status}`);
        this.acknowledged.add('bob');
        this.stats.consentsAcknowledged += 1;
        await this.emulator.kill(); // at once: nothing else reached the emulator since the answer
      } else if (point === 'callback-before-exchange-answer') {
        await this.idpFault('hold-code', 'authorization_code', { latency_ms: HOLD_MS });
        await this.killDuring(this.http.request(callback), async () => (await this.faultHits(this.idpUrl, 'hold-code')) > 0,
          'the IdP holding the code exchange');
      } else {
        await this.idpFault('hold-code-answer', 'authorization_code', { latency_ms: HOLD_MS, after_handling: true });
        await this.killDuring(this.http.request(callback), async () => (await this.readIdpJournal()).some(
          (e) => e.grant_type === 'authorization_code' && e.fault_after_handling), 'the IdP redeeming the code');
      }
    } else {
      await this.expireTokens();
      // The hold is in place before the call goes out.
      if (point === 'refresh-before-answer') {
        await this.idpFault('hold-refresh', 'refresh_token', { latency_ms: HOLD_MS });
      } else if (point === 'refresh-after-answer') {
        await this.idpFault('hold-refresh-answer', 'refresh_token', { latency_ms: HOLD_MS, after_handling: true });
      } else {
        await this.admin(this.mcpUrl, 'faults', {
          method: 'POST',
          body: { id: 'hold-call', match: { endpoint: 'mcp', tool: 'whoami', oid: this.users.alice.oid }, action: { latency_ms: HOLD_MS }, count: 1 },
        });
      }
      const call = this.whoami('alice', await this.userToken('alice'));
      if (point === 'refresh-before-answer') {
        await this.killDuring(call, async () => (await this.faultHits(this.idpUrl, 'hold-refresh')) > 0, 'the IdP holding the refresh');
        interrupted = 'alice';
      } else if (point === 'refresh-after-answer') {
        await this.killDuring(call, async () => (await this.readIdpJournal()).some(
          (e) => e.grant_type === 'refresh_token' && e.fault_after_handling), 'the IdP rotating the refresh token');
        interrupted = 'alice';
      } else {
        await this.killDuring(call, async () => (await this.faultHits(this.mcpUrl, 'hold-call')) > 0, 'mock-mcp holding the tool call');
      }
    }
    this.stats.kills[point] += 1;

    await this.restart();
    if (point.endsWith('before-exchange-answer') || point === 'refresh-before-answer') {
      // The held request goes on at the IdP once its hold ends (the code or refresh token is
      // redeemed for nobody); wait for it so that this kill's journal is complete.
      await this.waitForIdpEntry((e) => e.fault === true && e.outcome !== undefined, 'the held request');
    }

    // The vault opens and every entry decrypts.
    const entries = await this.vaultEntries();
    for (const entry of entries) {
      this.stats.entriesChecked += 1;
      if (!entry.readable) {
        this.stats.entriesUnreadable += 1;
        this.fail(i, point, `vault entry ${entry.key} does not decrypt`);
      }
    }
    if (interrupted) {
      const entry = this.entryOf(entries, interrupted);
      if (!entry || !entry.refresh_in_flight) this.fail(i, point, `${interrupted}'s entry carries no refresh-in-flight mark`);
    } else if (point === 'refresh-after-store' && this.entryOf(entries, 'alice')?.refresh_in_flight !== false) {
      this.fail(i, point, "alice's refreshed entry is missing or still marked in flight");
    }

    // Every acknowledged consent is still usable; the interrupted one asks again.
    for (const name of ['alice', 'bob']) {
      if (name === interrupted) {
        const after = await this.whoami(name);
        if (after.status !== 'incomplete' || !after.consentLink) {
          this.fail(i, point, `${name}'s interrupted refresh did not lead to a new consent (${after.status})`);
        } else {
          this.stats.interruptedRefreshReconsents += 1;
        }
        this.acknowledged.delete(name);
        await this.consent(name);
        continue;
      }
      if (!this.acknowledged.has(name)) continue;
      this.stats.consentChecks += 1;
      const after = await this.whoami(name);
      if (after.status === 'completed' && after.oid === this.users[name].oid && !after.consentLink) {
        this.stats.consentsKept += 1;
        if (point === 'callback-after-acknowledged' && name === 'bob') this.stats.acknowledgedAtKillKept += 1;
      } else {
        this.stats.consentsLost += 1;
        this.fail(i, point, `${name}'s acknowledged consent was lost (${after.status}${after.consentLink ? ', asked again' : ''})`);
        this.acknowledged.delete(name);
      }
    }
    // Bob consents again for the next callback iteration's baseline.
    if (!this.acknowledged.has('bob')) await this.consent('bob');

    await this.readIdpJournal();
    if (this.stats.refreshTokensReused + this.stats.familiesRevokedForReuse > reusedBefore) {
      this.fail(i, point, 'mock-idp journalled a refresh token presented twice');
    }
  }

  async run() {
    await this.start();
    try {
      await this.setClocks();
      for (const name of ['alice', 'bob']) await this.consent(name);
      const order = [];
      for (let i = 0; i < this.args.iterations; i += 1) {
        // Every point equally often; their order shuffled (seeded) within each round.
        if (order.length === 0) order.push(...shuffle([...POINTS], this.random));
        const point = order.shift();
        try {
          await this.iteration(i, point);
        } catch (error) {
          this.fail(i, point, error.message);
          // Back to a known state: an emulator running and everybody consented.
          if (this.emulator.child?.exitCode !== null || this.emulator.child?.signalCode !== null) await this.restart().catch(() => {});
          for (const name of ['alice', 'bob']) {
            this.acknowledged.delete(name);
            await this.consent(name).catch((e) => this.fail(i, point, `re-consent: ${e.message}`));
          }
        }
        this.stats.iterations += 1;
        if (this.failures.length > 20) break;
      }
      await this.readIdpJournal();
    } finally {
      await this.stop();
    }
  }

  report() {
    const s = this.stats;
    const lines = [
      `iterations: ${s.iterations} (seed ${this.args.seed})`,
      'emulator killed with SIGKILL at:',
      ...POINTS.map((p) => `  ${p.padEnd(34)} ${s.kills[p]}`),
      `consents acknowledged to the browser: ${s.consentsAcknowledged}`,
      `acknowledged consents checked after a restart: ${s.consentChecks}, kept: ${s.consentsKept}, lost: ${s.consentsLost}`,
      `consents acknowledged just before the kill and kept: ${s.acknowledgedAtKillKept} of ${s.kills['callback-after-acknowledged']}`,
      `interrupted refreshes that asked for a new consent (never a reuse): ${s.interruptedRefreshReconsents}`,
      `vault entries checked: ${s.entriesChecked}, unreadable: ${s.entriesUnreadable}`,
      `refreshes redeemed at mock-idp: ${s.refreshesAtIdp}, distinct refresh tokens presented: ${this.usesByHash.size}`,
      `refresh tokens reused: ${s.refreshTokensReused}, families revoked for reuse: ${s.familiesRevokedForReuse}`,
    ];
    console.log(lines.join('\n'));
    if (this.failures.length > 0) {
      console.log(`FAILED (${this.failures.length}):\n  ${this.failures.slice(0, 20).join('\n  ')}`);
    } else {
      console.log('PASSED');
    }
  }
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(list, random) {
  for (let i = list.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

const loop = new CrashLoop(parseArgs(process.argv.slice(2)));
try {
  await loop.run();
} catch (error) {
  loop.failures.push(`setup: ${error.message}`);
}
loop.report();
process.exit(loop.failures.length > 0 ? 1 : 0);
