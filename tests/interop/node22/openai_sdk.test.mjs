// The `openai` SDK against the emulator, as Foundry's docs point it at a project: base URL
// `<project endpoint>/openai/v1`, a bearer token for https://ai.azure.com as the API key, and
// the agent named in the body (`agent: {type: "agent_reference", name}`). Run by
// `toolauth exec -- node22 --test openai_sdk.test.mjs`.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import OpenAI from 'openai';

import { stackWorld, userToken } from '../lib/stack.mjs';

const s = stackWorld();
const alpha = s.project('alpha');
const baseURL = `${alpha.url}/openai/v1`;
const alice = new OpenAI({ baseURL, apiKey: await userToken(s, 'alice'), maxRetries: 0 });
const agent = (name) => ({ type: 'agent_reference', name });

const itemsOf = (response, type) => response.output.filter((item) => item.type === type);

function onlyCall(response) {
  const calls = itemsOf(response, 'mcp_call');
  assert.equal(calls.length, 1, JSON.stringify(response.output));
  return calls[0];
}

test('CustomKeys agent: whoami on the api-key mount sees the connection key', async () => {
  const response = await alice.responses.create({ agent: agent('api-key-agent'), input: 'whoami' });
  assert.equal(response.status, 'completed');
  assert.equal(itemsOf(response, 'mcp_list_tools').length, 1);
  const call = onlyCall(response);
  assert.equal(call.name, 'whoami');
  assert.equal(JSON.parse(call.output).auth, 'api-key');
  assert.match(response.output_text, /^whoami on .* returned: /);
  const again = await alice.responses.retrieve(response.id);
  assert.equal(again.id, response.id);
  assert.deepEqual(again.output, response.output);
});

test('None agent: echo on the open mount', async () => {
  const response = await alice.responses.create({
    agent: agent('open-agent'),
    input: 'echo {"message": "hello from the openai SDK"}',
  });
  assert.equal(response.status, 'completed');
  const call = onlyCall(response);
  assert.equal(call.name, 'echo');
  assert.equal(JSON.parse(call.arguments).message, 'hello from the openai SDK');
  assert.equal(call.output, 'hello from the openai SDK');
  const whoami = onlyCall(await alice.responses.create({ agent: agent('open-agent'), input: 'whoami' }));
  assert.equal(JSON.parse(whoami.output).auth, 'none');
});

test('streaming: the OpenAI event sequence ends in response.completed with the mcp_call', async () => {
  const stream = await alice.responses.create({ agent: agent('api-key-agent'), input: 'whoami', stream: true });
  const events = [];
  for await (const event of stream) events.push(event);
  const types = events.map((event) => event.type);
  assert.equal(types[0], 'response.created');
  assert.equal(types.at(-1), 'response.completed');
  for (const expected of [
    'response.in_progress',
    'response.output_item.added',
    'response.mcp_list_tools.completed',
    'response.mcp_call.completed',
    'response.output_text.delta',
    'response.output_item.done',
  ]) {
    assert.ok(types.includes(expected), `${expected} in ${types.join(', ')}`);
  }
  const numbers = events.map((event) => event.sequence_number);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
  const call = onlyCall(events.at(-1).response);
  assert.equal(JSON.parse(call.output).auth, 'api-key');
});

test('streaming through the SDK helper: responses.stream() and finalResponse()', async () => {
  const stream = alice.responses.stream({ agent: agent('open-agent'), input: 'echo {"message": "streamed"}' });
  const response = await stream.finalResponse();
  assert.equal(onlyCall(response).output, 'streamed');
});

test('approval: mcp_approval_request, then mcp_approval_response continues', async () => {
  const first = await alice.responses.create({ agent: agent('approval-agent'), input: 'echo {"message": "approved?"}' });
  const [request] = itemsOf(first, 'mcp_approval_request');
  assert.ok(request, JSON.stringify(first.output));
  assert.equal(request.name, 'echo');
  assert.equal(itemsOf(first, 'mcp_call').length, 0);

  const second = await alice.responses.create({
    agent: agent('approval-agent'),
    previous_response_id: first.id,
    input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: true }],
  });
  const call = onlyCall(second);
  assert.equal(call.output, 'approved?');
  assert.equal(call.approval_request_id, request.id);
});

test('approval declined: no call, and the answer says so', async () => {
  const first = await alice.responses.create({ agent: agent('approval-agent'), input: 'echo {"message": "no"}', stream: false });
  const [request] = itemsOf(first, 'mcp_approval_request');
  const second = await alice.responses.create({
    agent: agent('approval-agent'),
    previous_response_id: first.id,
    input: [{ type: 'mcp_approval_response', approval_request_id: request.id, approve: false }],
  });
  assert.equal(itemsOf(second, 'mcp_call').length, 0);
  assert.match(second.output_text, /was not approved/);
});

test('a token for another audience gets the SDK 401 error', async () => {
  const graphToken = await userToken(s, 'alice', 'https://graph.microsoft.com/User.Read');
  const wrongAudience = new OpenAI({ baseURL, apiKey: graphToken, maxRetries: 0 });
  await assert.rejects(wrongAudience.responses.create({ agent: agent('open-agent'), input: 'whoami' }), (error) => {
    assert.ok(error instanceof OpenAI.AuthenticationError, `${error.constructor.name}: ${error.message}`);
    assert.equal(error.status, 401);
    assert.equal(error.code, 'Unauthorized');
    assert.equal(error.error?.innererror?.code, 'InvalidAudience');
    return true;
  });
});

test('no token at all gets the SDK 401 error too', async () => {
  const anonymous = new OpenAI({ baseURL, apiKey: 'not-a-token', maxRetries: 0 });
  await assert.rejects(anonymous.responses.create({ agent: agent('open-agent'), input: 'whoami' }), OpenAI.AuthenticationError);
});
