// A person signing in through a real browser: Debian's chromium, driven by playwright-core,
// completes MSAL Node's interactive flow (acquireTokenInteractive: authorization code with PKCE,
// response_mode=form_post to MSAL's own loopback listener) at the mock IdP's pages. The caller
// client is not consented to the MCP API, so the consent page comes up: alice approves, bob
// declines. Screenshots of the pages are kept (TOOLAUTH_INTEROP_ARTIFACTS, else the peer's
// temporary folder). Without chromium the tests are skipped with the reason.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { PublicClientApplication } from '@azure/msal-node';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { chromium } from 'playwright-core';

import { idpWorld } from './lib/toolauth.mjs';

// CHROMIUM_PATH, when set, is the only candidate.
const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const chromiumPath = candidates.find((path) => existsSync(path));
const skip = chromiumPath ? false : `chromium is not installed at ${candidates.join(' or ')} (Debian package chromium; ci/setup installs it)`;

const w = idpWorld();
const contoso = w.tenant('contoso');
const caller = w.client('caller');
const mcpApi = w.resource('mcp-api');
const authority = `${w.url}/${contoso.id}`;
const toolsRead = `${mcpApi.app_id_uri}/Tools.Read`;
const artifacts = join(process.env.TOOLAUTH_INTEROP_ARTIFACTS ?? process.env.PEER_TMP, 'browser-sign-in');
mkdirSync(artifacts, { recursive: true });

// The browser trusts our servers by the public key of the local CA only (not every
// certificate error everywhere): Chromium ignores chain errors for a chain holding that key.
function caSpkiHash() {
  const ca = new X509Certificate(readFileSync(w.ready.ca_file));
  const spki = ca.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

async function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [`--ignore-certificate-errors-spki-list=${caSpkiHash()}`],
  });
}

async function step(page) {
  return page.locator('meta[name="toolauth-step"]').getAttribute('content');
}

async function screenshot(page, name) {
  const path = join(artifacts, name);
  await page.screenshot({ path, fullPage: true });
  const png = readFileSync(path);
  assert.ok(png.length > 1000, `${name} is only ${png.length} bytes`);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${name} is a PNG`);
  return path;
}

// Starts MSAL's interactive flow and returns its promise together with the authorize URL that
// MSAL asked the "system browser" to open, and abandon(), which ends a flow a failed test left
// open (MSAL's loopback listener would keep the test process alive).
function startInteractive(app, request) {
  let opened;
  const url = new Promise((resolve) => {
    opened = resolve;
  });
  let settled = false;
  const result = app.acquireTokenInteractive({
    ...request,
    openBrowser: async (authorizeUrl) => opened(authorizeUrl),
    successTemplate: '<h1 id="done">Signed in; you may close this window.</h1>',
    errorTemplate: '<h1 id="failed">Sign-in failed.</h1>',
  });
  result.then(
    () => (settled = true),
    () => (settled = true),
  );
  const abandon = async () => {
    if (settled) return;
    const authorize = new URL(await url);
    const back = new URL(authorize.searchParams.get('redirect_uri'));
    back.searchParams.set('error', 'test_abandoned');
    back.searchParams.set('state', authorize.searchParams.get('state'));
    await fetch(back).catch(() => {});
    await result.catch(() => {});
  };
  return { url, result, abandon };
}

// The sign-in page as a person sees it: pick the account, type the password, press Sign in.
async function signIn(page, user, screenshotName) {
  assert.equal(await step(page), 'login');
  await page.getByRole('radio', { name: new RegExp(user.username) }).check();
  await page.getByLabel('Password').fill(user.password);
  if (screenshotName) await screenshot(page, screenshotName);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
}

test('chromium: alice signs in, consents to the MCP API for the caller client, MSAL gets the token', { skip }, async () => {
  const alice = w.user('alice');
  const browser = await launch();
  const flows = [];
  try {
    const page = await browser.newPage();
    const app = new PublicClientApplication({ auth: { clientId: caller.client_id, authority, knownAuthorities: [w.host] } });
    const flow = startInteractive(app, { scopes: [toolsRead], loginHint: alice.username });
    flows.push(flow);
    const authorizeUrl = new URL(await flow.url);
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizeUrl.searchParams.get('response_mode'), 'form_post');

    await page.goto(authorizeUrl.href);
    await signIn(page, alice, 'sign-in.png');

    assert.equal(await step(page), 'consent');
    // The page names the client and the permission asked for.
    const consent = await page.locator('body').innerText();
    assert.match(consent, /Foundry caller \(public client\)/);
    assert.match(consent, /Tools\.Read/);
    await screenshot(page, 'consent.png');
    await page.getByRole('button', { name: 'Accept' }).click();

    // form_post: the IdP's page posts the code to MSAL's loopback listener, which answers
    // with the success template.
    await page.locator('#done').waitFor();
    await screenshot(page, 'signed-in.png');
    const result = await flow.result;
    assert.equal(result.account.username, alice.username);
    assert.equal(result.account.homeAccountId, `${alice.oid}.${contoso.id}`);
    const jwks = createRemoteJWKSet(new URL(`${authority}/discovery/v2.0/keys`));
    const { payload } = await jwtVerify(result.accessToken, jwks, { issuer: contoso.issuer, audience: mcpApi.client_id });
    assert.equal(payload.oid, alice.oid);
    assert.equal(payload.azp, caller.client_id);
    assert.equal(payload.scp, 'Tools.Read');

    // The consent is remembered: the next interactive sign-in goes straight back to MSAL.
    const again = startInteractive(app, { scopes: [toolsRead], loginHint: alice.username });
    flows.push(again);
    await page.goto(await again.url);
    await page.locator('#done').waitFor();
    assert.equal((await again.result).account.username, alice.username);
  } finally {
    await browser.close();
    for (const open of flows) await open.abandon();
  }
});

test('chromium: bob declines the consent; MSAL reports access_denied (AADSTS65004)', { skip }, async () => {
  const bob = w.user('bob');
  const browser = await launch();
  const flows = [];
  try {
    const page = await browser.newPage();
    const app = new PublicClientApplication({ auth: { clientId: caller.client_id, authority, knownAuthorities: [w.host] } });
    const flow = startInteractive(app, { scopes: [toolsRead] });
    flows.push(flow);
    await page.goto(await flow.url);
    await signIn(page, bob);
    assert.equal(await step(page), 'consent');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await assert.rejects(flow.result, (error) => {
      assert.equal(error.errorCode, 'access_denied');
      assert.match(error.errorMessage, /AADSTS65004/);
      return true;
    });
    await page.locator('#failed').waitFor();
  } finally {
    await browser.close();
    for (const open of flows) await open.abandon();
  }
});
