#!/usr/bin/env node
// A naive agent platform built from third-party code, certified through toolauth's `exec`
// driver (DESIGN.md "The exec driver protocol", conformance/include/toolauth/conformance/
// exec_driver.h). "The platform" is the MCP TypeScript SDK client and its OAuth client
// provider interface, used the way the SDK's documentation shows:
//   - one OAuthClientProvider instance per (connection, user), the user known by the oid claim
//     of the token the suite presents; tokens, PKCE verifier and state live in that instance;
//   - consent = the authorization URL the SDK asks the provider to redirect to;
//   - a loopback HTTP server receives the redirect (code + state) and calls
//     transport.finishAuth(code); its URL is the redirect URI the setup answer reports;
//   - CustomKeys connections send their keys as static headers;
//   - the local CA comes from NODE_EXTRA_CA_CERTS (set by whoever starts this adapter).
// Nothing here is tuned to pass the suite: what it fails is what the suite finds in a platform
// built this way (see README.md).
//
// One JSON request per stdin line, one answer per stdout line; logs go to stderr.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError, auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const log = (...args) => console.error('[exec-mcp-sdk-adapter]', ...args);

// What the platform keeps in memory (the SDK has no storage of its own).
const connections = new Map(); // "project/name" -> connection from the setup document
const providers = new Map(); // "project/name" -> Map(oid -> PlatformOAuthProvider)
const pendingByState = new Map(); // state -> { provider, transport }: consents under way
let tenants = []; // the platform's tenant: whose user tokens are accepted
let callback; // { server, url }

// The SDK's OAuthClientProvider for one user on one OAuth2 connection: the connection's
// pre-registered client, the connection's scopes, and storage in this instance.
class PlatformOAuthProvider {
  constructor(connection, redirectUrl) {
    this.connection = connection;
    this.redirectUrlValue = redirectUrl;
    this.savedTokens = undefined;
    this.verifier = undefined;
    this.authorizationUrl = undefined;
    this.declined = undefined;
    this.client = {
      client_id: connection.client_id,
      ...(connection.client_secret ? { client_secret: connection.client_secret } : {}),
    };
  }
  get redirectUrl() {
    return this.redirectUrlValue;
  }
  get clientMetadata() {
    return {
      client_name: 'exec-mcp-sdk-adapter',
      redirect_uris: [this.redirectUrlValue],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: this.connection.client_secret ? 'client_secret_post' : 'none',
      scope: (this.connection.scopes ?? []).join(' '),
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(client) {
    this.client = client;
  }
  tokens() {
    return this.savedTokens;
  }
  saveTokens(tokens) {
    this.savedTokens = tokens;
  }
  invalidateCredentials(scope) {
    if (scope === 'all' || scope === 'tokens') this.savedTokens = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
  }
  async state() {
    const state = randomBytes(24).toString('base64url');
    this.pendingState = state;
    return state;
  }
  redirectToAuthorization(url) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error('no PKCE verifier saved');
    return this.verifier;
  }
  // Entra v2 endpoints take the resource from the scope (api://.../Tools.Invoke); an RFC 8707
  // `resource` naming the MCP URL as well is refused there, so none is sent.
  async validateResourceURL() {
    return undefined;
  }
}

// The user's oid from the token the suite presents, after checking its signature against the
// JWKS of the platform's tenant and its issuer against that tenant's.
async function userOid(token) {
  if (typeof token !== 'string' || token === '') throw new AdapterError('invalid_user', 'no user token');
  let unverified;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw new AdapterError('invalid_user', 'the user token is not a JWT');
  }
  const tenant = tenants.find((t) => t.id === unverified.tid);
  if (!tenant) throw new AdapterError('invalid_user', 'the user token is from an unknown tenant');
  const v1Issuer = tenant.issuer.replace(/v2\.0$/, '');
  tenant.jwks ??= createRemoteJWKSet(new URL(`${v1Issuer}discovery/v2.0/keys`));
  try {
    const { payload } = await jwtVerify(token, tenant.jwks, { issuer: [tenant.issuer, v1Issuer], clockTolerance: 60 });
    if (typeof payload.oid !== 'string') throw new Error('no oid');
    return payload.oid;
  } catch (error) {
    throw new AdapterError('invalid_user', `the user token was refused: ${error.code ?? error.message}`);
  }
}

class AdapterError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
    // What the platform's own API would answer: a caller it cannot accept is a 401.
    if (code === 'invalid_user') this.status = 401;
  }
}

function providerFor(connection, oid) {
  const key = `${connection.project}/${connection.name}`;
  if (!providers.has(key)) providers.set(key, new Map());
  const perUser = providers.get(key);
  if (!perUser.has(oid)) perUser.set(oid, new PlatformOAuthProvider(connection, callback.url));
  return perUser.get(oid);
}

function transportFor(connection, provider) {
  const url = new URL(connection.target);
  if (connection.auth_type === 'CustomKeys') {
    return new StreamableHTTPClientTransport(url, { requestInit: { headers: { ...(connection.credentials?.keys ?? {}) } } });
  }
  return new StreamableHTTPClientTransport(url, provider ? { authProvider: provider } : {});
}

async function callTool(connection, provider, tool, args) {
  const client = new Client({ name: 'exec-mcp-sdk-adapter', version: '1.0.0' });
  await client.connect(transportFor(connection, provider));
  try {
    return await client.callTool({ name: tool, arguments: args ?? {} });
  } finally {
    await client.close();
  }
}

// First use (no tokens): start the SDK's authorization with the connection's scopes and
// hand its authorization URL back as the consent link.
async function startConsent(connection, provider) {
  pendingByState.delete(provider.pendingState); // a new consent replaces the user's last one
  provider.authorizationUrl = undefined;
  provider.declined = undefined;
  const transport = transportFor(connection, provider);
  const outcome = await auth(provider, { serverUrl: new URL(connection.target), scope: provider.clientMetadata.scope });
  if (outcome !== 'REDIRECT' || !provider.authorizationUrl) throw new AdapterError('consent_failed', `authorization ended in ${outcome}`);
  pendingByState.set(provider.pendingState, { provider, transport });
  return { consent: { link: provider.authorizationUrl.href } };
}

async function invoke(request) {
  const connection = connections.get(`${request.project}/${request.connection}`);
  if (!connection) throw new AdapterError('connection_not_found', `no connection ${request.project}/${request.connection}`);
  switch (connection.auth_type) {
    case 'None':
    case 'CustomKeys':
      return { result: await callTool(connection, undefined, request.tool, request.arguments) };
    case 'OAuth2':
      break;
    default:
      return 'unsupported'; // the SDK has no managed identity, agent identity or OBO
  }
  const oid = await userOid(request.user?.token);
  const provider = providerFor(connection, oid);
  if (request.continue !== undefined && provider.declined) {
    const reason = provider.declined;
    provider.declined = undefined;
    if (reason === 'access_denied') throw new AdapterError('consent_declined', 'the user declined the consent');
    throw new AdapterError('authorization_failed', `the authorization server answered ${reason}`);
  }
  if (!provider.tokens()) return startConsent(connection, provider);
  provider.authorizationUrl = undefined;
  try {
    return { result: await callTool(connection, provider, request.tool, request.arguments) };
  } catch (error) {
    // The SDK started a new authorization (refresh failed, token refused): consent again.
    // (UnauthorizedError sets no `name`: it reads "Error".)
    if (error instanceof UnauthorizedError && provider.authorizationUrl && !provider.tokens()) {
      return startConsent(connection, provider);
    }
    throw error;
  }
}

// The loopback redirect URI: code + state from the IdP, redeemed through the SDK.
async function startCallbackServer() {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const page = (status, text) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><title>exec-mcp-sdk-adapter</title><p>${text}</p>`);
    };
    if (url.pathname !== '/callback') return page(404, 'Not found.');
    const state = url.searchParams.get('state') ?? '';
    const pending = pendingByState.get(state);
    pendingByState.delete(state); // single use
    if (!pending) return page(400, 'Unknown or used sign-in request.');
    const error = url.searchParams.get('error');
    if (error) {
      pending.provider.declined = error;
      return page(200, 'Sign-in was cancelled. You can close this window.');
    }
    try {
      await pending.transport.finishAuth(url.searchParams.get('code') ?? '');
      page(200, 'Signed in. You can close this window and return to the agent.');
    } catch (failure) {
      log('finishAuth failed:', failure?.message);
      page(400, 'The sign-in could not be completed.');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/callback` };
}

async function handle(request) {
  switch (request.op) {
    case 'hello':
      return {
        ok: true,
        capabilities: ['reconfigure'],
        implementation: { name: 'exec-mcp-sdk-adapter', version: '1.0.0', sdk: '@modelcontextprotocol/sdk 1.32.2' },
      };
    case 'setup':
      // The platform's users come from its own tenant only.
      tenants = [request.tenant].filter((t) => t?.id && t?.issuer).map((t) => ({ id: t.id, issuer: t.issuer }));
      connections.clear();
      providers.clear();
      for (const connection of request.connections ?? []) connections.set(`${connection.project}/${connection.name}`, connection);
      callback ??= await startCallbackServer();
      return { ok: true, redirect_uris: [callback.url] };
    case 'invoke': {
      try {
        const answer = await invoke(request);
        if (answer === 'unsupported') return { ok: false, error: 'unsupported' };
        return { id: request.id, ...answer };
      } catch (error) {
        log(`invoke ${request.id} failed:`, error?.message);
        const code = error instanceof AdapterError ? error.code : 'tool_call_failed';
        const status = error instanceof AdapterError ? error.status : undefined;
        return { id: request.id, error: { code, message: String(error?.message ?? error), ...(status ? { status } : {}) } };
      }
    }
    case 'reconfigure': {
      // A changed connection (e.g. a rotated key) is used from the next call on; users' tokens
      // for it stay.
      const connection = request.connection ?? {};
      const key = `${connection.project}/${connection.name}`;
      if (!connections.has(key)) return { ok: false, error: `no connection ${key}` };
      connections.set(key, connection);
      for (const provider of providers.get(key)?.values() ?? []) provider.connection = connection;
      return { ok: true };
    }
    case 'forget': {
      // The user revokes their consents: drop their providers (tokens, verifier, state) on
      // every connection, and the consents they have under way.
      let oid;
      try {
        oid = await userOid(request.user?.token);
      } catch (error) {
        return { ok: false, error: error.message };
      }
      for (const perUser of providers.values()) {
        const provider = perUser.get(oid);
        if (provider) pendingByState.delete(provider.pendingState);
        perUser.delete(oid);
      }
      return { ok: true };
    }
    default:
      return { ok: false, error: 'unsupported' }; // restart: tokens live in memory only
  }
}

const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
const end = () => {
  callback?.server.close();
  process.exit(0);
};
lines.on('line', (line) => {
  queue = queue.then(async () => {
    let request;
    try {
      request = JSON.parse(line);
    } catch {
      log('a request that is not JSON was ignored');
      return;
    }
    if (request.op === 'bye') end();
    process.stdout.write(`${JSON.stringify(await handle(request))}\n`);
  });
});
lines.on('close', () => queue.then(end));
