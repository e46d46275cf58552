// Run by `toolauth exec -- node --test hosted_identity.test.mjs`: a hosted agent whose
// container is hosted/identity_container.mjs, started by the emulator. The container's
// @azure/identity ManagedIdentityCredential must accept the emulator's identity endpoint
// (IDENTITY_ENDPOINT / IDENTITY_HEADER, App Service protocol) and get the hosted agent's
// agent-identity token; the caller's token never reaches the container.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { claimsOf } from './lib/toolauth.mjs';
import { stackWorld, userToken } from './lib/stack.mjs';

const s = stackWorld();
const container = fileURLToPath(new URL('./hosted/identity_container.mjs', import.meta.url));

async function createHostedAgent(token, name) {
  const response = await fetch(`${s.project('alpha').url}/agents?api-version=v1`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'foundry-features': 'HostedAgents=V1Preview',
    },
    body: JSON.stringify({
      name,
      definition: {
        kind: 'hosted',
        container_protocol_versions: [{ protocol: 'responses', version: '2.0.0' }],
        container_configuration: { command: process.execPath, args: [container] },
      },
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

test('ManagedIdentityCredential in a hosted container gets the agent identity token', async () => {
  const token = await userToken(s, 'alice');
  await createHostedAgent(token, 'identity-interop');
  const response = await fetch(`${s.project('alpha').url}/openai/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', cookie: 'c=1' },
    body: JSON.stringify({ agent: { type: 'agent_reference', name: 'identity-interop' }, input: 'hi' }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  const seen = body.seen;
  assert.equal(seen.error, undefined, seen.error);
  const agentOne = s.ready.world.identities.find((i) => i.name === 'agent-one');
  assert.equal(seen.claims.oid, agentOne.object_id);
  assert.equal(seen.claims.aud, 'https://ai.azure.com');
  assert.equal(seen.claims.scp, undefined);  // app-only, never the user's token
  assert.notEqual(seen.claims.oid, claimsOf(token).oid);
  assert.ok(seen.expiresOnTimestamp > Date.now());
  // The platform's identity endpoint, not the one `toolauth exec` gave this process.
  assert.notEqual(seen.env.IDENTITY_ENDPOINT, process.env.IDENTITY_ENDPOINT);
  // Only the container contract: no variable of the emulator's own process (ctest sets
  // TOOLAUTH_HOSTED_PROBE for toolauth itself).
  assert.equal(process.env.TOOLAUTH_HOSTED_PROBE, 'must-not-reach-containers');
  assert.deepEqual(Object.keys(seen.env).filter((n) => n.startsWith('TOOLAUTH_')), []);
  assert.equal(seen.env.FOUNDRY_AGENT_NAME, 'identity-interop');
  assert.equal(seen.headers.authorization, undefined);
  assert.equal(seen.headers.cookie, undefined);
  assert.match(seen.headers['x-agent-foundry-call-id'], /^[0-9a-f]{32}$/);
  assert.ok(seen.headers['x-agent-user-id']);
  assert.equal(response.headers.get('x-platform-server'), 'toolauth-emulator');
});
