// The managed identity cases, run once per endpoint kind by a test file of its own: MSAL Node,
// under @azure/identity, picks its managed identity source once per process (a static of its
// ManagedIdentityClient), so App Service and IMDS cannot share a process.
//
//   appService: IDENTITY_ENDPOINT + IDENTITY_HEADER from the ready document's env;
//   imds:       AZURE_POD_IDENTITY_AUTHORITY_HOST (the IMDS base URL that @azure/identity and
//               MSAL Node honour instead of 169.254.169.254), from the same env.
// The IdP's journal tells which endpoint answered, so a source picked by mistake fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ManagedIdentityCredential } from '@azure/identity';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { admin, idpWorld } from './toolauth.mjs';

const kEnvironment = {
  app_service: ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER'],
  imds: ['AZURE_POD_IDENTITY_AUTHORITY_HOST'],
};
const kEveryVariable = [
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'IDENTITY_SERVER_THUMBPRINT',
  'IMDS_ENDPOINT',
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
];

export function managedIdentityTests(source) {
  const w = idpWorld();
  // Only the variables of this source, exactly as the ready document gives them.
  for (const name of kEveryVariable) delete process.env[name];
  for (const name of kEnvironment[source]) process.env[name] = w.ready.env[name];

  const contoso = w.tenant('contoso');
  const mcpApi = w.resource('mcp-api');
  const scope = `${mcpApi.app_id_uri}/.default`;
  const jwks = createRemoteJWKSet(new URL(`${w.url}/${contoso.id}/discovery/v2.0/keys`));

  // The managed identity requests the IdP served from `after` on.
  async function servedSince(after) {
    const page = await admin(w.url, 'GET', `journal?kind=managed_identity&after=${after}`);
    return page.entries;
  }
  async function lastSeq() {
    return (await admin(w.url, 'GET', 'journal?limit=1&kind=none')).last_seq;
  }

  async function expectToken(credential, identity) {
    const after = await lastSeq();
    const token = await credential.getToken(scope);
    // Managed identity tokens are v1: aud is the resource as asked, the issuer sts-style.
    const { payload } = await jwtVerify(token.token, jwks, {
      issuer: `${w.url}/${contoso.id}/`,
      audience: mcpApi.app_id_uri,
    });
    assert.equal(payload.appid, identity.client_id);
    assert.equal(payload.oid, identity.object_id);
    assert.equal(payload.sub, identity.object_id);
    assert.equal(payload.idtyp, 'app');
    assert.equal(payload.tid, contoso.id);
    assert.deepEqual(payload.roles, ['Tools.Invoke.All']);
    assert.match(payload.xms_mirid, /^\/subscriptions\//);
    assert.ok(token.expiresOnTimestamp > Date.now());
    const served = await servedSince(after);
    assert.deepEqual(
      served.map((entry) => [entry.source, entry.outcome, entry.client_id]),
      [[source, 'issued', identity.client_id]],
    );
  }

  test(`ManagedIdentityCredential (${source}): the system-assigned identity`, async () => {
    await expectToken(new ManagedIdentityCredential(), w.identity('project-alpha'));
  });

  test(`ManagedIdentityCredential (${source}): a user-assigned identity by client id`, async () => {
    const uami = w.identity('tools-uami');
    await expectToken(new ManagedIdentityCredential({ clientId: uami.client_id }), uami);
  });

  test(`ManagedIdentityCredential (${source}): an unknown client id is refused`, async () => {
    const credential = new ManagedIdentityCredential({ clientId: '00000000-0000-0000-0000-00000000dead' });
    await assert.rejects(credential.getToken(scope), (error) => {
      assert.match(error.message, /Identity not found/);
      return true;
    });
  });
}
