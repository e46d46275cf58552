// Helpers for tests run by `toolauth exec -- COMMAND`: the stack's full ready document is in
// TOOLAUTH_READY_FILE (0600), its URLs and CA are in the environment.
import { readFileSync } from 'node:fs';

import { named } from './toolauth.mjs';

export const foundryScope = 'https://ai.azure.com/.default';

// The ready document with lookups into the world: user('alice'), project('alpha'), ...
export function stackWorld() {
  const file = process.env.TOOLAUTH_READY_FILE;
  if (!file) throw new Error('TOOLAUTH_READY_FILE is not set: run this under `toolauth exec --`');
  const ready = JSON.parse(readFileSync(file, 'utf8'));
  const world = ready.world;
  return {
    ready,
    file,
    idpUrl: ready.idp.url,
    mcpUrl: ready.mcp.url,
    emulatorUrl: ready.emulator.url,
    tenant: (name) => named(world.tenants, name),
    user: (name) => named(world.users, name),
    client: (name) => named(world.clients, name),
    mount: (name) => named(world.mounts, name),
    project: (name) => named(world.projects, name),
  };
}

// An access token for `user` of contoso from mock-idp (ROPC with the public caller client).
export async function userToken(stack, user, scope = foundryScope) {
  const contoso = stack.tenant('contoso');
  const account = stack.user(user);
  const response = await fetch(`${stack.idpUrl}/${contoso.id}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: stack.client('caller').client_id,
      username: account.username,
      password: account.password,
      scope,
    }).toString(),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`token for ${user}: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
