#!/usr/bin/env node
// A sample hosted agent (container protocol `responses` 2.0.0) for the toolauth emulator, in
// plain Node 20 (node:http and fetch, no packages). It is the default implementation under test
// of `toolauth certify --profile hosted-agent`, and shows what a hosted agent does to call
// tools as the signed-in user without ever seeing the user's token:
//
//   - its own token comes from the platform's managed-identity endpoint (IDENTITY_ENDPOINT /
//     IDENTITY_HEADER, the App Service protocol that @azure/identity's
//     ManagedIdentityCredential speaks), for https://ai.azure.com;
//   - tools are called through the toolbox (TOOLBOX_ENDPOINT, MCP over HTTP) with that token,
//     `Foundry-Features: Toolboxes=V1Preview` and the request's `x-agent-foundry-call-id`,
//     from which the platform knows the user;
//   - a tool that needs the user's consent (JSON-RPC -32006, the consent link as the message)
//     ends the response `incomplete` with an `oauth_consent_request` item; the user consents
//     and sends the same input again;
//   - the emulator's runtime API (an emulator extension, FOUNDRY_PROJECT_ENDPOINT/runtime/)
//     gives what the real service does not: an on-behalf-of token for another API, and the
//     user's delegated token of an OAuth2 connection (or, without consent yet, the platform
//     emits the oauth_consent_request item into the response).
//
// Instead of a model, the input is one JSON instruction (README.md "The instructions"):
//   {"toolauth":"call","tool":"<label>___<tool>","arguments":{},"call_id"?:"previous"|"<id>"}
//   {"toolauth":"headers"}                    the names of the request headers it received
//   {"toolauth":"obo","scope":"api://<app>/.default"}
//   {"toolauth":"token","connection":"<OAuth2 connection>"}   the user's delegated token
// and the answer is one assistant message whose text is a JSON object ("toolauth": "result",
// "headers", "obo" or "error"). No token is ever written to an answer or a log.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const env = process.env;
const PREVIEW_TOOLBOXES = 'Toolboxes=V1Preview';
const PREVIEW_RUNTIME = 'RuntimeApi=V1Preview';
const FOUNDRY_RESOURCE = 'https://ai.azure.com';
const TOKEN_MARGIN_SECONDS = 300;

// --- the agent's own token ------------------------------------------------------------------

let cachedToken = null; // {token, expiresOn (unix seconds)}

async function agentToken() {
  const now = Math.floor(Date.now() / 1000);
  if (cachedToken && cachedToken.expiresOn - TOKEN_MARGIN_SECONDS > now) return cachedToken.token;
  if (!env.IDENTITY_ENDPOINT || !env.IDENTITY_HEADER) throw new AgentError('identity', 0, 'no_identity_endpoint', 'IDENTITY_ENDPOINT and IDENTITY_HEADER are not set');
  const url = new URL(env.IDENTITY_ENDPOINT);
  url.searchParams.set('resource', FOUNDRY_RESOURCE);
  url.searchParams.set('api-version', '2019-08-01');
  const response = await fetch(url, { headers: { 'X-IDENTITY-HEADER': env.IDENTITY_HEADER } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new AgentError('identity', response.status, 'identity_refused', body.message ?? 'the identity endpoint gave no token');
  }
  cachedToken = { token: body.access_token, expiresOn: Number(body.expires_on) };
  return cachedToken.token;
}

class AgentError extends Error {
  constructor(source, status, code, message) {
    super(message);
    this.source = source;
    this.status = status;
    this.code = code;
  }
  toAnswer() {
    return { toolauth: 'error', source: this.source, status: this.status, code: this.code, message: this.message };
  }
}

// --- the toolbox (MCP over HTTP, stateless) -------------------------------------------------

class ConsentNeeded extends Error {
  constructor(link, label) {
    super('consent required');
    this.link = link;
    this.label = label;
  }
}

let rpcIds = 0;

async function toolboxCall(tool, args, callId) {
  if (!env.TOOLBOX_ENDPOINT) throw new AgentError('toolbox', 0, 'no_toolbox', 'TOOLBOX_ENDPOINT is not set (the definition names no TOOLBOX_NAME)');
  const headers = {
    authorization: `Bearer ${await agentToken()}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'foundry-features': PREVIEW_TOOLBOXES,
  };
  if (callId) headers['x-agent-foundry-call-id'] = callId;
  const response = await fetch(env.TOOLBOX_ENDPOINT, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcIds, method: 'tools/call', params: { name: tool, arguments: args } }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    // The platform refused the agent (token, call id, preview header): its error shape.
    const error = body?.error ?? {};
    throw new AgentError('toolbox', response.status, error.innererror?.code ?? error.code ?? `http_${response.status}`, error.message ?? '');
  }
  if (body?.error) {
    if (body.error.code === -32006) throw new ConsentNeeded(body.error.message, tool.split('___')[0]);
    throw new AgentError('toolbox', response.status, body.error.code, body.error.message);
  }
  const result = body?.result ?? {};
  let value = result.structuredContent;
  if (value === undefined) {
    const text = (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  return { toolauth: 'result', tool, result: value, is_error: Boolean(result.isError) };
}

// --- the runtime API (emulator extension) ---------------------------------------------------

function claimsOf(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

// What a token says, never the token.
function shownClaims(jwt) {
  const c = claimsOf(jwt);
  const claims = {};
  for (const name of ['aud', 'iss', 'tid', 'oid', 'sub', 'scp', 'roles', 'azp', 'appid', 'idtyp', 'ver']) {
    if (c[name] !== undefined) claims[name] = c[name];
  }
  return claims;
}

async function runtime(path, callId, body) {
  const response = await fetch(`${env.FOUNDRY_PROJECT_ENDPOINT}/runtime/${path}?api-version=v1`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await agentToken()}`,
      'content-type': 'application/json',
      'foundry-features': PREVIEW_RUNTIME,
      'x-agent-foundry-call-id': callId,
    },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = answer.error ?? {};
    throw new AgentError('runtime', response.status, error.innererror?.code ?? error.code ?? `http_${response.status}`, error.message ?? '');
  }
  return answer;
}

async function oboToken(scope, callId) {
  const answer = await runtime('obo_token', callId, { scope });
  if (typeof answer.access_token !== 'string') throw new AgentError('runtime', 200, 'no_token', 'obo_token answered no access_token');
  return { toolauth: 'obo', scope, claims: shownClaims(answer.access_token) };
}

// The user's own delegated token for an OAuth2 connection, for an agent that calls the API
// itself. Without consent yet, the platform emits the consent item into this response.
async function delegatedToken(connection, callId) {
  const answer = await runtime(`connections/${encodeURIComponent(connection)}/token`, callId, {});
  if (answer.consent_required) {
    await runtime('responses/current/consent_request', callId, { connection });
    return { toolauth: 'consent_requested', connection };
  }
  if (typeof answer.access_token !== 'string') throw new AgentError('runtime', 200, 'no_token', 'the connection token answer has no access_token');
  return { toolauth: 'token', connection, claims: shownClaims(answer.access_token) };
}

// --- Responses ------------------------------------------------------------------------------

function hex(bytes) {
  return randomBytes(bytes).toString('hex');
}

// The instruction: the text of the input (a string, or the last user message's text).
function instructionOf(body) {
  let text = '';
  if (typeof body.input === 'string') {
    text = body.input;
  } else if (Array.isArray(body.input)) {
    for (const item of body.input) {
      if (item?.role !== 'user') continue;
      if (typeof item.content === 'string') text = item.content;
      else if (Array.isArray(item.content)) text = item.content.filter((c) => typeof c?.text === 'string').map((c) => c.text).join('');
    }
  }
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && typeof parsed.toolauth === 'string') return parsed;
  } catch {
    // not an instruction
  }
  return null;
}

function message(answer) {
  return {
    type: 'message',
    id: `msg_${hex(24)}`,
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text: JSON.stringify(answer), annotations: [] }],
  };
}

// The call id of the request served before the current one ("call_id": "previous"): an agent
// that kept it would act for the previous user; the platform must refuse it.
let previousCallId = null;

async function respond(headers, body) {
  const callId = headers['x-agent-foundry-call-id'];
  const instruction = instructionOf(body);
  const response = {
    id: `resp_${hex(24)}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: 'toolauth-sample-hosted-agent',
    output: [],
  };
  try {
    if (!instruction) {
      response.output.push(message({ toolauth: 'error', source: 'agent', status: 0, code: 'not_an_instruction', message: 'send one JSON instruction, e.g. {"toolauth":"headers"}' }));
    } else if (instruction.toolauth === 'headers') {
      response.output.push(message({ toolauth: 'headers', names: Object.keys(headers).sort() }));
    } else if (instruction.toolauth === 'call') {
      let useCallId = callId;
      if (instruction.call_id === 'previous') useCallId = previousCallId;
      else if (typeof instruction.call_id === 'string') useCallId = instruction.call_id;
      response.output.push(message(await toolboxCall(String(instruction.tool ?? ''), instruction.arguments ?? {}, useCallId)));
    } else if (instruction.toolauth === 'obo') {
      response.output.push(message(await oboToken(String(instruction.scope ?? ''), callId)));
    } else if (instruction.toolauth === 'token') {
      response.output.push(message(await delegatedToken(String(instruction.connection ?? ''), callId)));
    } else {
      response.output.push(message({ toolauth: 'error', source: 'agent', status: 0, code: 'unknown_instruction', message: `unknown instruction "${instruction.toolauth}"` }));
    }
  } catch (error) {
    if (error instanceof ConsentNeeded) {
      // As Agent Framework's hosting does: the consent item, and the response ends incomplete.
      response.output.push({ type: 'oauth_consent_request', id: `oacr_${hex(25)}`, created_by: {}, consent_link: error.link, server_label: error.label });
      response.status = 'incomplete';
      response.incomplete_details = null;
    } else if (error instanceof AgentError) {
      response.output.push(message(error.toAnswer()));
    } else {
      response.output.push(message({ toolauth: 'error', source: 'agent', status: 0, code: 'agent_failed', message: String(error?.message ?? error) }));
    }
  } finally {
    previousCallId = callId ?? null;
  }
  return response;
}

const server = createServer(async (request, response) => {
  if (request.method === 'GET' && request.url === '/readiness') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    return;
  }
  if (request.method !== 'POST' || request.url !== '/responses') {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"POST /responses or GET /readiness"}}');
    return;
  }
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"invalid_json","message":"the body is not JSON"}}');
    return;
  }
  const answer = await respond(request.headers, body);
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
});

server.listen(Number(env.PORT ?? 8088), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
