#!/usr/bin/env node
// An MCP server protected by OAuth bearer tokens, built only from the MCP TypeScript SDK
// (McpServer, StreamableHTTPServerTransport, requireBearerAuth, mcpAuthMetadataRouter) and
// `jose`, the way the SDK's documentation suggests. It is the implementation under test of
// `toolauth certify --profile mcp-server`: nothing in it knows about toolauth beyond the setup
// document that `toolauth certify --print-setup` prints.
//
//   node server.mjs --setup setup.json --url http://127.0.0.1:8931/mcp
//   node server.mjs --setup setup.json --url https://localhost:8931/mcp --tls-cert c.pem --tls-key k.pem
//
// setup.json (from --print-setup): issuer, jwks_uri, openid_configuration, audiences,
// tenant_id, required_scope, scopes_supported, algorithms, ca_file. The server listens on the
// port of --url, answers MCP at its path, and names --url as its resource (RFC 9728).
// Prints one JSON line {"ready": true, "url": ...} on stdout once it listens.

import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import {
  mcpAuthMetadataRouter,
  getOAuthProtectedResourceMetadataUrl,
} from '@modelcontextprotocol/sdk/server/auth/router.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify } from 'jose';
import * as z from 'zod';

const { values: options } = parseArgs({
  options: {
    setup: { type: 'string' },
    url: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  },
});
if (!options.setup || !options.url) {
  console.error('usage: server.mjs --setup SETUP.json --url URL [--tls-cert PEM --tls-key PEM]');
  process.exit(2);
}
const setup = JSON.parse(readFileSync(options.setup, 'utf8'));
for (const field of ['issuer', 'jwks_uri', 'openid_configuration', 'audiences', 'tenant_id', 'required_scope']) {
  if (!setup[field] || (Array.isArray(setup[field]) && setup[field].length === 0)) {
    console.error(`server.mjs: ${options.setup} has no "${field}"`);
    process.exit(2);
  }
}
const resourceUrl = new URL(options.url);
const tls = options['tls-cert'] && options['tls-key'];
if ((resourceUrl.protocol === 'https:') !== Boolean(tls)) {
  console.error('server.mjs: an https --url needs --tls-cert and --tls-key, an http one neither');
  process.exit(2);
}

// The IdP is reached over HTTPS with its own CA (setup.ca_file), trusted for these requests
// only: fetch() has no per-request CA, so jose gets this fetch implementation.
const idpCa = setup.ca_file ? readFileSync(setup.ca_file, 'utf8') : undefined;
function fetchFromIdp(url, { headers, signal } = {}) {
  return new Promise((resolve, reject) => {
    const request = https.get(
      url,
      { ca: idpCa, headers: headers ? Object.fromEntries(headers) : {}, signal },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve(new Response(Buffer.concat(chunks), {
            status: response.statusCode,
            headers: Object.entries(response.headers).map(([k, v]) => [k, String(v)]),
          })));
        response.on('error', reject);
      });
    request.on('error', reject);
  });
}

// jose fetches the JWKS lazily, caches it, and refetches (at most every 30 s) when a token
// names a kid it does not know: key rotation works without a restart.
const jwks = createRemoteJWKSet(new URL(setup.jwks_uri), { [customFetch]: fetchFromIdp });
const algorithms = setup.algorithms ?? ['RS256'];

// The SDK's OAuthTokenVerifier: every failure is an InvalidTokenError (401 invalid_token);
// the SDK's middleware then checks the scopes (403 insufficient_scope) and the expiry.
const verifier = {
  async verifyAccessToken(token) {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: setup.issuer,
        audience: setup.audiences,
        algorithms,
        requiredClaims: ['exp', 'iat', 'tid', 'oid'],
        clockTolerance: 60,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError(`token refused (${error.code})`);
      throw error;
    }
    // The issuer already names the tenant; a token of another tenant must not pass even if
    // an issuer check were relaxed for multi-tenant apps.
    if (payload.tid !== setup.tenant_id) throw new InvalidTokenError('token of another tenant');
    const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ').filter(Boolean) : [];
    return {
      token,
      clientId: String(payload.azp ?? payload.appid ?? ''),
      scopes,
      expiresAt: payload.exp,
      extra: { claims: payload },
    };
  },
};

// What whoami shows: the principal as this server saw it, never the token.
const kWhoamiClaims = ['oid', 'tid', 'sub', 'preferred_username', 'name', 'scp', 'roles', 'azp', 'appid', 'aud', 'iss'];

function buildServer() {
  const server = new McpServer({ name: 'mcp-sdk-bearer-server', version: '1.0.0' });
  server.registerTool(
    'whoami',
    { description: 'The caller as this server authenticated it (claims, never the token)' },
    async (extra) => {  // a tool without inputSchema gets only `extra`
      const claims = extra.authInfo?.extra?.claims ?? {};
      const principal = Object.fromEntries(kWhoamiClaims.filter((c) => c in claims).map((c) => [c, claims[c]]));
      return { content: [{ type: 'text', text: JSON.stringify(principal) }], structuredContent: principal };
    });
  server.registerTool(
    'echo',
    { description: 'Echoes its text', inputSchema: { text: z.string().max(4096) } },
    async ({ text }) => ({ content: [{ type: 'text', text }] }));
  return server;
}

const app = createMcpExpressApp({ host: resourceUrl.hostname });

// The SDK's metadata router serves the RFC 9728 document (and mirrors the IdP's RFC 8414
// metadata) from the IdP's discovery document. It is built on first use, not at start-up:
// in the two-step certification the IdP starts after this server.
let metadataRouter;
async function buildMetadataRouter() {
  const discovery = await fetchFromIdp(setup.openid_configuration);
  if (discovery.status !== 200) throw new Error(`${setup.openid_configuration} answered ${discovery.status}`);
  return mcpAuthMetadataRouter({
    oauthMetadata: await discovery.json(),
    resourceServerUrl: resourceUrl,
    scopesSupported: setup.scopes_supported,
    resourceName: 'mcp-sdk-bearer-server',
  });
}
app.use(async (req, res, next) => {
  if (!req.path.startsWith('/.well-known/')) return next();
  metadataRouter ??= buildMetadataRouter();
  let router;
  try {
    router = await metadataRouter;
  } catch (error) {
    metadataRouter = undefined;  // try again on the next request
    console.error('server.mjs: no authorization server metadata:', error.message);
    res.status(503).json({ error: 'temporarily_unavailable' });
    return;
  }
  router(req, res, next);
});
const bearer = requireBearerAuth({
  verifier,
  requiredScopes: [setup.required_scope],
  resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(resourceUrl),
});

// Stateless Streamable HTTP, as the SDK's stateless example: one server and transport per
// request, so no session outlives the token that opened it.
app.post(resourceUrl.pathname, bearer, async (req, res) => {
  const server = buildServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    transport.close();
    server.close();
  });
  try {
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  } catch (error) {
    console.error('server.mjs: request failed:', error?.message ?? error);
    if (!res.headersSent) {
      res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
    }
  }
});
// No server-initiated stream and no session to end in stateless mode; still behind the bearer
// check, so an anonymous GET gets the same challenge as a POST.
for (const method of ['get', 'delete']) {
  app[method](resourceUrl.pathname, bearer, (_req, res) => {
    res.status(405).set('Allow', 'POST').json({
      jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null,
    });
  });
}

const listener = tls
  ? https.createServer({ cert: readFileSync(options['tls-cert']), key: readFileSync(options['tls-key']) }, app)
  : app;
const host = resourceUrl.hostname.replace(/^\[|\]$/g, '');
const port = Number(resourceUrl.port || (tls ? 443 : 80));
const httpServer = listener.listen(port, host, () => {
  console.log(JSON.stringify({ ready: true, url: resourceUrl.href }));
});
httpServer.on('error', (error) => {
  console.error(`server.mjs: cannot listen on ${host}:${port}: ${error.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => httpServer.close(() => process.exit(0)));
}
