// Helpers for interop tests against toolauth servers started by with-peer.mjs with
// `--ready-file {tmp}/ready.json`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The full ready document, with the world and its secrets (`file` in the peer's folder: one
// per peer when with-peer.mjs starts several).
export function readyDocument(file = 'ready.json') {
  return JSON.parse(readFileSync(join(process.env.PEER_TMP, file), 'utf8'));
}

export function named(list, name) {
  const item = list.find((entry) => entry.name === name);
  if (!item) throw new Error(`no ${name} in the world`);
  return item;
}

// The world of the IdP with handy lookups: tenant('contoso'), client('foundry'), ...
export function idpWorld(file = 'ready.json') {
  const ready = readyDocument(file);
  const world = ready.world;
  return {
    ready,
    url: ready.idp.url,
    miUrl: ready.idp.mi_url,
    host: new URL(ready.idp.url).host,
    tenant: (name) => named(world.tenants, name),
    user: (name) => named(world.users, name),
    client: (name) => named(world.clients, name),
    resource: (name) => named(world.resources, name),
    identity: (name) => named(world.identities, name),
  };
}

// POST/PUT/GET to an admin plane; throws on a non-2xx answer.
export async function admin(baseUrl, method, path, body) {
  const response = await fetch(`${baseUrl}/_admin/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// The payload of a JWT, unverified (tests verify with jose where it matters).
export function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}
