// Certifying what we did not write: `toolauth certify --profile agent-service --driver exec`
// against examples/exec-mcp-sdk-adapter (the MCP TypeScript SDK client and its OAuth client
// provider as a naive platform). The run must match the example's committed baseline exactly
// (no new failure, no stale expectation), and the scenarios the adapter must genuinely pass
// (first-use consent, per-user tokens, ...) must have passed, so a broken adapter cannot hide
// behind its baseline; a skip is only for what the adapter declares it lacks.
//
// Environment: TOOLAUTH_BIN (the toolauth binary), TOOLAUTH_EXAMPLE_DIR (the example folder).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const toolauth = process.env.TOOLAUTH_BIN;
const exampleDir = process.env.TOOLAUTH_EXAMPLE_DIR;
assert.ok(toolauth && exampleDir, 'TOOLAUTH_BIN and TOOLAUTH_EXAMPLE_DIR must be set');
const baselineFile = path.join(exampleDir, 'baseline.json');

// Scenarios the adapter must pass whatever the baseline says.
const kMustPass = [
  'agent-service/oauth/first-use-consent', 'agent-service/oauth/per-user',
  'agent-service/oauth/resend-after-consent', 'agent-service/key/header-sent',
  // Without the clock capability: short token lifetimes, real time and mock-mcp's 401.
  'agent-service/oauth/refresh-on-expiry',
];
// Why a scenario may be skipped: a capability the adapter does not declare, or an auth type
// the SDK has no notion of (the adapter answers "unsupported").
const kSkipReasons = [
  /lacks the capability "(clock|restart|approvals)"/,
  /does not support whoami on alpha\/(project-mi|agent-identity|user-entra) as alice/,
];

const dir = mkdtempSync(path.join(os.tmpdir(), 'toolauth-exec-adapter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('the SDK adapter through the exec driver matches its baseline', async () => {
  const out = path.join(dir, 'report');
  const target = `${process.execPath} ${path.join(exampleDir, 'adapter.mjs')}`;
  const certified = await run(toolauth, ['certify', '--profile', 'agent-service', '--driver', 'exec',
                                         '--target', target, '--baseline', baselineFile, '--out', out]);
  assert.equal(certified.status, 0, certified.stdout + certified.stderr);
  assert.match(certified.stdout, /\(driver exec\)/);

  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.equal(report.ok, true, report.error);
  assert.equal(report.target.driver.name, 'exec-mcp-sdk-adapter');
  assert.match(report.target.redirect_uris[0], /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  const verdicts = Object.fromEntries(report.scenarios.map((s) => [s.id, s]));
  for (const id of kMustPass) assert.equal(verdicts[id]?.verdict, 'passed', `${id}: ${verdicts[id]?.reason}`);
  for (const s of report.scenarios) {
    if (s.verdict !== 'skipped') continue;
    assert.ok(kSkipReasons.some((reason) => reason.test(s.reason)), `${s.id} skipped: ${s.reason}`);
  }
  const baseline = JSON.parse(readFileSync(baselineFile, 'utf8'));
  for (const { id } of baseline.expected_failures) {
    assert.equal(verdicts[id]?.expected_failure, true, `${id} is in the baseline but did not fail`);
  }
  // No user token or connection secret in anything the report kept of the adapter.
  assert.doesNotMatch(readFileSync(path.join(out, 'report.json'), 'utf8'), /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
});
