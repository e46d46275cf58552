// The mock MCP server with the MCP TypeScript SDK client and the Inspector CLI, over HTTPS with
// our CA: key mounts (X-API-Key and the Azure Functions x-functions-key), progress, sampling
// and per-principal notes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';

import { named, readyDocument } from './lib/toolauth.mjs';

const ready = readyDocument();
const mounts = ready.world.mounts;

async function connect(mountName, headers = {}, capabilities = {}) {
  const mount = named(mounts, mountName);
  const client = new Client({ name: 'toolauth-interop', version: '1.0.0' }, { capabilities });
  const transport = new StreamableHTTPClientTransport(new URL(mount.url), { requestInit: { headers } });
  await client.connect(transport);
  return client;
}

function keyHeaders(mountName) {
  const mount = named(mounts, mountName);
  return { [mount.header]: mount.key };
}

test('SDK client lists and calls tools on the X-API-Key mount', async () => {
  const client = await connect('api-key', keyHeaders('api-key'));
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  for (const name of ['whoami', 'echo', 'notes_add', 'notes_list', 'fail', 'slow']) assert.ok(names.includes(name), name);
  const who = await client.callTool({ name: 'whoami', arguments: {} });
  assert.deepEqual(who.structuredContent, { auth: 'api-key', key_id: 'primary' });
  const echo = await client.callTool({ name: 'echo', arguments: { message: 'héllo' } });
  assert.equal(echo.content[0].text, 'héllo');
  await client.close();
});

test('SDK client uses the Azure Functions key header (x-functions-key)', async () => {
  const client = await connect('functions', keyHeaders('functions'));
  const who = await client.callTool({ name: 'whoami', arguments: {} });
  assert.equal(who.structuredContent.key_id, 'mcp_extension');
  await client.close();
});

test('a missing or wrong key is refused before any MCP traffic', async () => {
  const unauthorized = (error) => error.code === 401;
  await assert.rejects(connect('api-key'), unauthorized);
  const wrong = named(mounts, 'api-key');
  await assert.rejects(connect('api-key', { [wrong.header]: `${wrong.key}x` }), unauthorized);
});

test('progress notifications reach the SDK client before the result', async () => {
  const client = await connect('open');
  const progress = [];
  const result = await client.callTool({ name: 'slow', arguments: { seconds: 0, steps: 4 } }, undefined, {
    onprogress: (p) => progress.push(p.progress),
  });
  assert.deepEqual(progress, [0, 1, 2, 3, 4]);
  assert.match(result.content[0].text, /^done after/);
  await client.close();
});

test('a tool asks the client for a completion (sampling) in the middle of a call', async () => {
  const client = await connect('conformance', {}, { sampling: {} });
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
    model: 'test-model',
    role: 'assistant',
    content: { type: 'text', text: `echo: ${request.params.messages[0].content.text}` },
  }));
  const result = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'ping?' } });
  assert.equal(result.content[0].text, 'LLM response: echo: ping?');
  await client.close();
});

test('notes are kept per principal across sessions', async () => {
  const primary = await connect('api-key', keyHeaders('api-key'));
  await primary.callTool({ name: 'notes_add', arguments: { text: 'sdk note' } });
  await primary.close();
  const again = await connect('api-key', keyHeaders('api-key'));
  const notes = await again.callTool({ name: 'notes_list', arguments: {} });
  assert.ok(notes.structuredContent.notes.some((n) => n.text === 'sdk note'));
  await again.close();
  const open = await connect('open');
  const anonymous = await open.callTool({ name: 'notes_list', arguments: {} });
  assert.ok(!anonymous.structuredContent.notes.some((n) => n.text === 'sdk note'));
  await open.close();
});

test('Inspector CLI lists the tools of a key mount', async () => {
  const mount = named(mounts, 'api-key');
  const build = fileURLToPath(new URL('./node_modules/@modelcontextprotocol/inspector-cli/build/', import.meta.url));
  const cli = `${build}index.js`;
  // inspector-cli 1.0.3 checks for ../package.json relative to the working directory but imports
  // it relative to its module: running it from its build folder satisfies both.
  const { stdout } = await promisify(execFile)(process.execPath, [
    cli,
    mount.url,
    '--transport',
    'http',
    '--method',
    'tools/list',
    '--header',
    `${mount.header}: ${mount.key}`,
  ], { cwd: build });
  const listed = JSON.parse(stdout);
  assert.ok(listed.tools.some((t) => t.name === 'whoami'));
});
