// The MCP TypeScript SDK's own OAuth flow against mock-mcp's bearer-fabrikam mount with the
// mock IdP as its authorization server: 401 with resource_metadata → protected resource
// metadata (RFC 9728) → RFC 8414 metadata of the fabrikam tenant (profile mcp) → dynamic
// client registration (RFC 7591) → authorization code with PKCE and a resource indicator
// (RFC 8707), carol signing in on the IdP's pages → token → whoami shows carol.
//
// Peers (with-peer.mjs): mock-mcp first, then the IdP with --mcp-url of it, both in one state
// folder so they share the local CA. mock-mcp started before the IdP's URL was known, so the
// test mounts bearer-fabrikam again, from the default fixture, with the IdP's URL filled in.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { extractWWWAuthenticateParams, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { HeadlessUser } from './lib/headless_user.mjs';
import { admin, claimsOf, idpWorld, named, readyDocument } from './lib/toolauth.mjs';

const idp = idpWorld('idp-ready.json');
const mcpUrl = readyDocument('mcp-ready.json').mcp.url;
const fabrikam = idp.tenant('fabrikam');
const carol = idp.user('carol');
const mountUrl = `${mcpUrl}/mcp/bearer-fabrikam`;
const redirectUrl = 'http://localhost:38412/callback';

// bearer-fabrikam again, now trusting the running IdP.
const fixtures = readFileSync(fileURLToPath(new URL('../../fixtures/default/mcp.json', import.meta.url)), 'utf8');
const definition = named(JSON.parse(fixtures.replaceAll('{idp_url}', idp.url)).mounts, 'bearer-fabrikam');
await admin(mcpUrl, 'DELETE', 'mounts/bearer-fabrikam');
await admin(mcpUrl, 'POST', 'mounts', definition);
assert.equal(idp.resource('fabrikam-mcp').app_id_uri, mountUrl, 'the IdP knows the mount as a resource');

// What an MCP host keeps for one server: registration, tokens, PKCE verifier (in memory).
class InMemoryOAuthProvider {
  constructor({ resource } = {}) {
    this.resource = resource;
    this.authorizationUrls = [];
  }
  get redirectUrl() {
    return redirectUrl;
  }
  get clientMetadata() {
    return {
      client_name: 'toolauth interop (MCP SDK)',
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(client) {
    this.client = client;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url) {
    this.authorizationUrls.push(url);
  }
  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

// A fetch that remembers every request and response status (the SDK uses it for MCP and OAuth).
function recordingFetch() {
  const seen = [];
  const fetchFn = async (url, init) => {
    const response = await fetch(url, init);
    seen.push({ url: String(url), method: init?.method ?? 'GET', status: response.status, response: response.clone() });
    return response;
  };
  return { seen, fetchFn };
}

function newClient() {
  return new Client({ name: 'toolauth-interop', version: '1.0.0' });
}

// Runs the SDK until it wants the browser, signs carol in there, and hands the code back.
async function authorizeWithSdk(provider, fetchFn) {
  const transport = new StreamableHTTPClientTransport(new URL(mountUrl), { authProvider: provider, fetch: fetchFn });
  await assert.rejects(newClient().connect(transport), UnauthorizedError);
  assert.equal(provider.authorizationUrls.length, 1);
  const authorizationUrl = provider.authorizationUrls[0];
  const back = await new HeadlessUser(carol, idp.url).authorize(authorizationUrl.href);
  assert.equal(back.origin + back.pathname, redirectUrl);
  assert.equal(back.searchParams.get('iss'), fabrikam.issuer);
  await transport.finishAuth(back.searchParams.get('code'));
  return authorizationUrl;
}

test('MCP SDK OAuth: PRM, RFC 8414 metadata, registration, auth code + PKCE + resource; whoami is carol', async () => {
  const provider = new InMemoryOAuthProvider();
  const { seen, fetchFn } = recordingFetch();
  const authorizationUrl = await authorizeWithSdk(provider, fetchFn);

  // What the SDK fetched, in order. This provider keeps no discovery state, so finishAuth
  // discovers again before it redeems the code.
  const path = (url) => url.replace(idp.url, '{idp}').replace(mcpUrl, '{mcp}');
  const steps = seen.map((s) => `${s.method} ${path(s.url)} ${s.status}`);
  const tenant = fabrikam.id;
  const discovery = [
    `GET {mcp}/.well-known/oauth-protected-resource/mcp/bearer-fabrikam 200`,
    `GET {idp}/.well-known/oauth-authorization-server/${tenant}/v2.0 200`,
  ];
  assert.deepEqual(steps, [
    `POST {mcp}/mcp/bearer-fabrikam 401`,
    ...discovery,
    `POST {idp}/${tenant}/oauth2/v2.0/register 201`,
    ...discovery,
    `POST {idp}/${tenant}/oauth2/v2.0/token 200`,
  ]);
  const challenge = extractWWWAuthenticateParams(seen[0].response);
  assert.equal(challenge.resourceMetadataUrl.href, `${mcpUrl}/.well-known/oauth-protected-resource/mcp/bearer-fabrikam`);
  assert.equal(challenge.error, undefined, 'no token, so no error (RFC 6750 §3.1)');

  // The authorization request: registered client, PKCE S256, resource and scope from the PRM.
  const query = authorizationUrl.searchParams;
  assert.equal(authorizationUrl.origin + authorizationUrl.pathname, `${idp.url}/${tenant}/oauth2/v2.0/authorize`);
  assert.equal(query.get('client_id'), provider.client.client_id);
  assert.equal(query.get('code_challenge_method'), 'S256');
  assert.equal(query.get('resource'), mountUrl);
  assert.equal(query.get('scope'), 'mcp.tools');
  assert.equal(provider.client.client_secret, undefined, 'a public client');

  const claims = claimsOf(provider.saved.access_token);
  assert.equal(claims.aud, mountUrl);
  assert.equal(claims.iss, fabrikam.issuer);

  const client = newClient();
  await client.connect(new StreamableHTTPClientTransport(new URL(mountUrl), { authProvider: provider }));
  const who = await client.callTool({ name: 'whoami', arguments: {} });
  assert.equal(who.structuredContent.auth, 'bearer');
  assert.equal(who.structuredContent.oid, carol.oid);
  assert.equal(who.structuredContent.tid, fabrikam.id);
  assert.equal(who.structuredContent.preferred_username, carol.username);
  assert.equal(who.structuredContent.aud, mountUrl);
  assert.equal(who.structuredContent.azp, provider.client.client_id);
  assert.deepEqual(who.structuredContent.scp, ['mcp.tools']);
  await client.close();
});

test('MCP SDK OAuth: a token for another resource is refused with 401 invalid_token, surfaced by the SDK', async () => {
  // A host that asks for the wrong resource indicator (the fabrikam app's api:// URI): the IdP
  // issues the token, the MCP server refuses it.
  const otherResource = `api://${idp.resource('fabrikam-mcp').client_id}`;
  const provider = new InMemoryOAuthProvider();
  provider.validateResourceURL = async () => new URL(otherResource);
  await authorizeWithSdk(provider, fetch);
  const token = provider.saved.access_token;
  assert.equal(claimsOf(token).aud, otherResource);
  assert.equal(provider.saved.refresh_token, undefined, 'no offline_access asked, so nothing to refresh');

  // With its OAuth provider, the SDK reads the challenge and starts a new authorization.
  const { seen, fetchFn } = recordingFetch();
  const transport = new StreamableHTTPClientTransport(new URL(mountUrl), { authProvider: provider, fetch: fetchFn });
  await assert.rejects(newClient().connect(transport), UnauthorizedError);
  assert.equal(provider.authorizationUrls.length, 2, 'a second authorization was started');
  const refusals = seen.filter((s) => s.url === mountUrl);
  assert.deepEqual(refusals.map((s) => s.status), [401]);
  const challenge = extractWWWAuthenticateParams(refusals[0].response);
  assert.equal(challenge.error, 'invalid_token');
  assert.equal(challenge.scope, 'mcp.tools');
  assert.equal(challenge.resourceMetadataUrl.href, `${mcpUrl}/.well-known/oauth-protected-resource/mcp/bearer-fabrikam`);
  assert.match(refusals[0].response.headers.get('www-authenticate'), /error_description="the token was not issued for this resource"/);

  // Without one, the same token fails the connection with the status.
  const plain = new StreamableHTTPClientTransport(new URL(mountUrl), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  await assert.rejects(newClient().connect(plain), (error) => {
    assert.ok(error instanceof StreamableHTTPError);
    assert.equal(error.code, 401);
    assert.match(error.message, /invalid_token/);
    return true;
  });
});
