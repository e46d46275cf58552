// OAuth2 identity passthrough through the `openai` SDK, end to end: the first call of a user
// ends `incomplete` with an `oauth_consent_request`; a headless browser follows its
// `consent_link` through mock-idp's sign-in and consent pages back to the emulator's callback;
// the re-send with `previous_response_id` calls the MCP server with that user's own token.
// Run by `toolauth exec -- node22 --test openai_sdk_oauth.test.mjs` (a fresh stack: nobody has
// consented yet). The tests run in order and build on each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import OpenAI from 'openai';

import { HeadlessUser } from '../lib/headless_user.mjs';
import { stackWorld, userToken } from '../lib/stack.mjs';

const s = stackWorld();
const baseURL = `${s.project('alpha').url}/openai/v1`;
const agent = { type: 'agent_reference', name: 'oauth-invoke-agent' };

async function clientFor(user) {
  return new OpenAI({ baseURL, apiKey: await userToken(s, user), maxRetries: 0 });
}

const itemsOf = (response, type) => response.output.filter((item) => item.type === type);

function onlyItem(response, type) {
  const items = itemsOf(response, type);
  assert.equal(items.length, 1, `one ${type} in ${JSON.stringify(response.output)}`);
  return items[0];
}

function whoami(response) {
  const call = onlyItem(response, 'mcp_call');
  assert.equal(call.status, 'completed', JSON.stringify(call));
  assert.equal(call.name, 'whoami');
  return JSON.parse(call.output);
}

// The first call of a user who has not consented: no call, the consent request instead.
function consentRequestOf(response) {
  assert.equal(response.status, 'incomplete', JSON.stringify(response.output));
  assert.equal(itemsOf(response, 'mcp_call').length, 0);
  const request = onlyItem(response, 'oauth_consent_request');
  assert.match(request.id, /^oauthreq_/);
  assert.equal(request.server_label, 'oauth-invoke');
  assert.deepEqual(request.created_by, {});
  assert.ok(request.consent_link.startsWith(`${s.emulatorUrl}/oauth/consent/`), request.consent_link);
  return request;
}

// The user's browser: the consent link redirects to mock-idp's authorize endpoint, the user
// signs in and decides, mock-idp redirects to the emulator's callback, which answers a page.
async function followConsentLink(user, link, decision = 'approve') {
  const start = await user.fetch(link);
  assert.equal(start.status, 302, `the consent link redirects to the IdP, got ${start.status}`);
  const authorize = new URL(start.headers.get('location'));
  assert.ok(authorize.href.startsWith(`${s.idpUrl}/${s.tenant('contoso').id}/oauth2/v2.0/authorize?`), authorize.href);
  assert.equal(authorize.searchParams.get('client_id'), s.client('connector').client_id);
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  const steps = [];
  const callback = await user.authorize(authorize.href, { decision, steps });
  assert.ok(steps.includes('consent'), `the IdP asked for consent: ${steps.join(', ')}`);
  assert.equal(`${callback.origin}${callback.pathname}`, `${s.emulatorUrl}/oauth/callback`);
  const page = await user.fetch(callback.href);
  assert.equal(page.status, 200, `the callback page: ${page.status}`);
  return page.text();
}

const alice = { account: s.user('alice') };
const bob = { account: s.user('bob') };

test('alice: consent request, headless consent at mock-idp, the re-send acts as alice', async () => {
  alice.client = await clientFor('alice');
  alice.browser = new HeadlessUser(alice.account, s.idpUrl);
  const first = await alice.client.responses.create({ agent, input: 'whoami' });
  alice.consent = consentRequestOf(first);

  const page = await followConsentLink(alice.browser, alice.consent.consent_link);
  assert.match(page, /You can close this window/);

  const second = await alice.client.responses.create({ agent, previous_response_id: first.id });
  assert.equal(second.status, 'completed', JSON.stringify(second.output));
  assert.equal(second.previous_response_id, first.id);
  assert.equal(itemsOf(second, 'oauth_consent_request').length, 0);
  const who = whoami(second);
  assert.equal(who.oid, alice.account.oid);
  assert.deepEqual(who.scp, ['Tools.Invoke']);
  assert.match(second.output_text, /^whoami on oauth-invoke returned: /);
  // No token of alice's reaches her through the API.
  assert.doesNotMatch(JSON.stringify(second), /eyJ/);
});

test('alice: the consent link is single use', async () => {
  const again = await alice.browser.fetch(alice.consent.consent_link);
  assert.equal(again.status, 400);
});

test('alice: later calls, streamed too, use the stored token without asking again', async () => {
  const plain = await alice.client.responses.create({ agent, input: 'whoami' });
  assert.equal(whoami(plain).oid, alice.account.oid);

  const stream = await alice.client.responses.create({ agent, input: 'whoami', stream: true });
  const events = [];
  for await (const event of stream) events.push(event);
  assert.equal(events.at(-1).type, 'response.completed');
  assert.ok(events.some((event) => event.type === 'response.mcp_call.completed'));
  assert.equal(whoami(events.at(-1).response).oid, alice.account.oid);
});

test("bob: his own consent request (never alice's token); declining fails the call, not the request", async () => {
  bob.client = await clientFor('bob');
  bob.browser = new HeadlessUser(bob.account, s.idpUrl);
  // Streamed: the stream ends in response.incomplete carrying the consent request.
  const stream = await bob.client.responses.create({ agent, input: 'whoami', stream: true });
  const events = [];
  for await (const event of stream) events.push(event);
  assert.equal(events.at(-1).type, 'response.incomplete');
  const first = events.at(-1).response;
  const request = consentRequestOf(first);
  assert.notEqual(request.id, alice.consent.id);
  assert.notEqual(request.consent_link, alice.consent.consent_link);

  const page = await followConsentLink(bob.browser, request.consent_link, 'decline');
  assert.match(page, /declined/);
  // The tool is named: without a token the tools cannot be listed, so under `auto` the
  // scripted model would not know whoami is one (README, "The scripted model").
  const continued = await bob.client.responses.create({
    agent,
    previous_response_id: first.id,
    tool_choice: { type: 'mcp', server_label: 'oauth-invoke', name: 'whoami' },
  });
  assert.equal(continued.status, 'completed');
  const call = onlyItem(continued, 'mcp_call');
  assert.equal(call.status, 'failed');
  assert.equal(call.output, null);
  assert.equal(call.error, 'consent_declined');
  assert.equal(itemsOf(continued, 'oauth_consent_request').length, 0);
  assert.match(continued.output_text, /whoami on oauth-invoke failed/);
});

test('bob: a fresh request asks again; after his consent whoami shows bob', async () => {
  const first = await bob.client.responses.create({ agent, input: 'whoami' });
  const request = consentRequestOf(first);
  await followConsentLink(bob.browser, request.consent_link);
  const second = await bob.client.responses.create({ agent, previous_response_id: first.id });
  assert.equal(second.status, 'completed', JSON.stringify(second.output));
  assert.equal(whoami(second).oid, bob.account.oid);
  // Alice is still herself.
  assert.equal(whoami(await alice.client.responses.create({ agent, input: 'whoami' })).oid, alice.account.oid);
});

test("bob cannot continue alice's response", async () => {
  const hers = await alice.client.responses.create({ agent, input: 'whoami' });
  await assert.rejects(bob.client.responses.create({ agent, previous_response_id: hers.id }), (error) => {
    assert.ok(error instanceof OpenAI.NotFoundError, `${error.constructor.name}: ${error.message}`);
    return true;
  });
});
