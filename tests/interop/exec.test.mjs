// Run by `toolauth exec -- node --test exec.test.mjs`: what a CI job gets from exec.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';

import { stackWorld, userToken } from './lib/stack.mjs';

const s = stackWorld();

test('the ready file is private and holds the whole world', () => {
  assert.equal(statSync(s.file).mode & 0o777, 0o600);
  for (const section of ['tenants', 'users', 'clients', 'resources', 'identities', 'mounts', 'projects']) {
    assert.ok(Array.isArray(s.ready.world[section]), section);
  }
  assert.ok(s.user('alice').password);
});

test('the environment names the stack', () => {
  assert.equal(process.env.TOOLAUTH_EMULATOR_URL, s.emulatorUrl);
  assert.equal(process.env.TOOLAUTH_IDP_URL, s.idpUrl);
  assert.equal(process.env.TOOLAUTH_MCP_URL, s.mcpUrl);
  assert.equal(process.env.NODE_EXTRA_CA_CERTS, s.ready.ca_file);
  assert.equal(process.env.IDENTITY_ENDPOINT, `${s.ready.idp.mi_url}/msi/token`);
  assert.equal(process.env.AZURE_AI_PROJECT_ENDPOINT, s.project('alpha').url);
});

test('alice lists the connections of alpha over HTTPS (NODE_EXTRA_CA_CERTS trusted)', async () => {
  const token = await userToken(s, 'alice');
  const response = await fetch(`${s.project('alpha').url}/connections?api-version=v1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  const names = (await response.json()).value.map((c) => c.name);
  assert.deepEqual(names.sort(), s.project('alpha').connections.map((c) => c.name).sort());
});

test('IDENTITY_ENDPOINT and IDENTITY_HEADER give a managed identity token', async () => {
  const url = new URL(process.env.IDENTITY_ENDPOINT);
  url.searchParams.set('api-version', '2019-08-01');
  url.searchParams.set('resource', 'https://ai.azure.com');
  const response = await fetch(url, { headers: { 'x-identity-header': process.env.IDENTITY_HEADER } });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.ok(body.access_token);
});
