// @azure/ai-projects against the emulator: the project endpoint from the ready document, a
// credential from @azure/identity that signs alice in at mock-idp (authorityHost), and the
// SDK's own OpenAI client (getOpenAIClient) for the Responses API. Run by
// `toolauth exec -- node22 --test ai_projects.test.mjs`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AIProjectClient } from '@azure/ai-projects';
import { UsernamePasswordCredential } from '@azure/identity';

import { stackWorld } from '../lib/stack.mjs';

const s = stackWorld();
const alpha = s.project('alpha');
const alice = s.user('alice');
const credential = new UsernamePasswordCredential(s.tenant('contoso').id, s.client('caller').client_id, alice.username, alice.password, {
  authorityHost: s.idpUrl,
  disableInstanceDiscovery: true,
});
const project = new AIProjectClient(process.env.AZURE_AI_PROJECT_ENDPOINT, credential);

test('the project endpoint of the environment is alpha', () => {
  assert.equal(process.env.AZURE_AI_PROJECT_ENDPOINT, alpha.url);
});

test('connections.list: every connection of alpha, without credentials', async () => {
  const connections = [];
  for await (const connection of project.connections.list()) connections.push(connection);
  assert.deepEqual(connections.map((c) => c.name).sort(), alpha.connections.map((c) => c.name).sort());
  for (const connection of connections) {
    const expected = alpha.connections.find((c) => c.name === connection.name);
    assert.equal(connection.id, expected.id);
    assert.equal(connection.target, expected.target);
    assert.equal(connection.credentials.keys, undefined, `${connection.name} shows no keys`);
  }
});

test('connections.get and getWithCredentials: the api-key connection', async () => {
  const mount = s.mount('api-key');
  const connection = await project.connections.get('api-key');
  assert.equal(connection.name, 'api-key');
  assert.equal(connection.target, `${mount.url}`);
  assert.equal(connection.credentials.type, 'CustomKeys');
  const withKeys = await project.connections.getWithCredentials('api-key');
  assert.equal(withKeys.credentials.type, 'CustomKeys');
  // The SDK models CustomKeys as {type, ...any other members}: the emulator's `keys` object
  // (Foundry's observed shape, reference §3) lands in additionalProperties.
  assert.equal(withKeys.credentials.additionalProperties.keys[mount.header], mount.key);
});

test('connections.get of an unknown connection is a 404 RestError', async () => {
  await assert.rejects(project.connections.get('no-such-connection'), (error) => {
    assert.equal(error.statusCode, 404, error.message);
    return true;
  });
});

test('agents.createVersion: a prompt agent with an MCP tool, then a response through it', async () => {
  const name = `sdk-agent-${process.pid}`;
  const version = await project.agents.createVersion(name, {
    kind: 'prompt',
    model: 'scripted',
    instructions: 'Call whoami.',
    tools: [
      {
        type: 'mcp',
        server_label: 'keyed',
        server_url: s.mount('api-key').url,
        require_approval: 'never',
        project_connection_id: 'api-key',
      },
    ],
  });
  assert.equal(version.name, name);
  assert.equal(version.version, '1');
  assert.equal(version.definition.tools[0].server_label, 'keyed');
  const fetched = await project.agents.getVersion(name, version.version);
  assert.equal(fetched.id, version.id);
  const second = await project.agents.createVersion(name, { ...version.definition, instructions: 'Again.' });
  assert.equal(second.version, '2');
  const agent = await project.agents.get(name);
  assert.equal(agent.versions.latest.version, '2');

  const openai = project.getOpenAIClient();
  const response = await openai.responses.create({ agent: { type: 'agent_reference', name }, input: 'whoami' });
  const call = response.output.find((item) => item.type === 'mcp_call');
  assert.ok(call, JSON.stringify(response.output));
  assert.equal(call.server_label, 'keyed');
  assert.equal(JSON.parse(call.output).auth, 'api-key');
});
