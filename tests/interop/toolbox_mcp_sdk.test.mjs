// A hosted agent's view of a toolbox: the MCP TypeScript SDK client, with the agent's own token
// (Entra Agent ID from mock-idp) and the preview header, against the emulator's toolbox MCP
// endpoint. Run by `toolauth exec -- node --test toolbox_mcp_sdk.test.mjs`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { stackWorld, userToken } from './lib/stack.mjs';
import { named } from './lib/toolauth.mjs';

const s = stackWorld();
const alpha = s.project('alpha');
const preview = { 'foundry-features': 'Toolboxes=V1Preview' };

async function tokenRequest(form) {
  const url = `${s.idpUrl}/${s.tenant('contoso').id}/oauth2/v2.0/token`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`token request: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

// The agent identity's own token for https://ai.azure.com: the blueprint's exchange token (T1,
// fmi_path = the agent identity) redeemed by the agent identity as its client assertion.
async function agentToken(identity) {
  const agent = named(s.ready.world.identities, identity);
  const blueprint = named(s.ready.world.identities, 'agent-blueprint');
  const t1 = await tokenRequest({
    grant_type: 'client_credentials',
    client_id: blueprint.client_id,
    client_secret: blueprint.client_secret,
    scope: 'api://AzureADTokenExchange/.default',
    fmi_path: agent.client_id,
  });
  return tokenRequest({
    grant_type: 'client_credentials',
    client_id: agent.client_id,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: t1,
    scope: 'https://ai.azure.com/.default',
  });
}

async function createToolbox(name, connections) {
  const tools = connections.map((c) => ({ type: 'mcp', server_label: c, project_connection_id: c }));
  const response = await fetch(`${alpha.url}/toolboxes/${name}/versions?api-version=v1`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await userToken(s, 'alice')}`,
      'content-type': 'application/json',
      ...preview,
    },
    body: JSON.stringify({ tools }),
  });
  assert.equal(response.status, 200, await response.text());
}

async function connect(toolbox, headers) {
  const client = new Client({ name: 'toolauth-interop-hosted-agent', version: '1.0.0' });
  const url = new URL(`${alpha.url}/toolboxes/${toolbox}/mcp?api-version=v1`);
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  return client;
}

test('the SDK lists namespaced tools and calls them with each connection\'s credentials', async () => {
  await createToolbox('sdk-tools', ['api-key', 'agent-identity']);
  const client = await connect('sdk-tools', { authorization: `Bearer ${await agentToken('agent-one')}`, ...preview });
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  assert.ok(names.includes('api-key___whoami'), names.join());
  assert.ok(names.includes('agent-identity___whoami'), names.join());
  for (const tool of tools) assert.equal(tool._meta.tool_configuration.require_approval, 'always');
  const key = await client.callTool({ name: 'api-key___whoami', arguments: {} });
  assert.equal(key.structuredContent.auth, 'api-key');
  const agent = await client.callTool({ name: 'agent-identity___whoami', arguments: {} });
  assert.equal(agent.structuredContent.oid, named(s.ready.world.identities, 'agent-one').object_id);
  await client.close();
});

test('without a call id a user connection fails with the aggregate and a JSON-RPC error', async () => {
  await createToolbox('sdk-user', ['oauth-invoke']);
  const client = await connect('sdk-user', { authorization: `Bearer ${await agentToken('agent-one')}`, ...preview });
  await assert.rejects(client.listTools(), (error) => {
    assert.equal(error.code, -32007);
    assert.match(error.message, /tools\/list failed for 1 tool source\(s\), succeeded for 0 tool source\(s\)/);
    assert.match(error.message, /USER_CONTEXT_REQUIRED/);
    return true;
  });
  await assert.rejects(client.callTool({ name: 'oauth-invoke___whoami', arguments: {} }), (error) => error.code === -32000);
  await client.close();
});

test('a user\'s token or a missing preview header is refused before any MCP traffic', async () => {
  await createToolbox('sdk-refused', ['api-key']);
  const alice = await userToken(s, 'alice');
  await assert.rejects(connect('sdk-refused', { authorization: `Bearer ${alice}`, ...preview }), (error) => error.code === 403);
  const agent = await agentToken('agent-one');
  await assert.rejects(connect('sdk-refused', { authorization: `Bearer ${agent}` }), (error) => error.code === 400);
});
