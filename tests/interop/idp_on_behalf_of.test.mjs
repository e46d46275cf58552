// On-behalf-of with real clients against the mock IdP: alice signs in to the public `caller`
// client for the `foundry` app (https://ai.azure.com); `foundry`, a confidential client, then
// exchanges her token for one to the MCP API with MSAL Node's acquireTokenOnBehalfOf and with
// @azure/identity's OnBehalfOfCredential. Tokens are verified with npm jose through our JWKS.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { OnBehalfOfCredential } from '@azure/identity';
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { claimsOf, idpWorld } from './lib/toolauth.mjs';

const w = idpWorld();
const contoso = w.tenant('contoso');
const caller = w.client('caller');
const foundry = w.client('foundry');
const mcpApi = w.resource('mcp-api');
const alice = w.user('alice');
const authority = `${w.url}/${contoso.id}`;
const foundryScope = 'https://ai.azure.com/user_impersonation';

const discovery = await (await fetch(`${authority}/v2.0/.well-known/openid-configuration`)).json();
const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));

// alice's token from the caller client, by username and password (the headless way to sign in).
async function userToken(scope) {
  const app = new PublicClientApplication({ auth: { clientId: caller.client_id, authority, knownAuthorities: [w.host] } });
  const result = await app.acquireTokenByUsernamePassword({ scopes: [scope], username: alice.username, password: alice.password });
  return result.accessToken;
}

function foundryApp() {
  return new ConfidentialClientApplication({
    auth: { clientId: foundry.client_id, clientSecret: foundry.client_secret, authority, knownAuthorities: [w.host] },
  });
}

// The claims of an on-behalf-of token for the MCP API, acting for alice through foundry.
async function verifyOboToken(token) {
  // The MCP API takes v2 tokens: aud is its client id, the issuer the v2 one.
  const { payload } = await jwtVerify(token, jwks, { issuer: contoso.issuer, audience: mcpApi.client_id });
  assert.equal(payload.oid, alice.oid);
  assert.equal(payload.tid, contoso.id);
  assert.equal(payload.azp, foundry.client_id);
  assert.equal(payload.azpacr, '1');
  assert.equal(payload.preferred_username, alice.username);
  assert.equal(payload.ver, '2.0');
  assert.equal(payload.idtyp, 'user');
  return payload;
}

test('the caller token for foundry is a v1 token whose audience is the foundry app', async () => {
  const claims = claimsOf(await userToken(foundryScope));
  assert.equal(claims.aud, 'https://ai.azure.com');
  assert.equal(claims.appid, caller.client_id);
  assert.equal(claims.ver, '1.0');
  assert.equal(claims.scp, 'user_impersonation');
});

test('MSAL Node acquireTokenOnBehalfOf: foundry gets a token for the MCP API as alice', async () => {
  const assertion = await userToken(foundryScope);
  const result = await foundryApp().acquireTokenOnBehalfOf({
    oboAssertion: assertion,
    scopes: [`${mcpApi.app_id_uri}/Tools.Read`],
  });
  const payload = await verifyOboToken(result.accessToken);
  assert.equal(payload.scp, 'Tools.Read');
  assert.equal(payload.roles, undefined);
  assert.notEqual(payload.uti, claimsOf(assertion).uti);
});

test('@azure/identity OnBehalfOfCredential: .default gives the scopes consented for foundry', async () => {
  const credential = new OnBehalfOfCredential({
    tenantId: contoso.id,
    clientId: foundry.client_id,
    clientSecret: foundry.client_secret,
    userAssertionToken: await userToken(foundryScope),
    authorityHost: w.url,
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken(`${mcpApi.app_id_uri}/.default`);
  const payload = await verifyOboToken(token.token);
  assert.deepEqual(payload.scp.split(' ').sort(), ['Tools.Invoke', 'Tools.Read']);
  assert.ok(token.expiresOnTimestamp > Date.now());
});

test('MSAL Node: an assertion for another audience (Graph) is AADSTS500131', async () => {
  // caller is consented to Graph's User.Read, so alice can get a Graph token; it was not
  // issued to foundry, so foundry may not exchange it.
  const graphToken = await userToken('https://graph.microsoft.com/User.Read');
  assert.equal(claimsOf(graphToken).aud, 'https://graph.microsoft.com');
  await assert.rejects(
    foundryApp().acquireTokenOnBehalfOf({ oboAssertion: graphToken, scopes: [`${mcpApi.app_id_uri}/Tools.Read`] }),
    (error) => {
      assert.equal(error.errorCode, 'invalid_grant');
      assert.match(error.errorMessage, /^Error\(s\): 500131 - .* Description: AADSTS500131: Assertion audience does not match the Client app/);
      return true;
    },
  );
});

test('@azure/identity OnBehalfOfCredential: an assertion for another audience is AADSTS500131', async () => {
  const credential = new OnBehalfOfCredential({
    tenantId: contoso.id,
    clientId: foundry.client_id,
    clientSecret: foundry.client_secret,
    userAssertionToken: await userToken('https://graph.microsoft.com/User.Read'),
    authorityHost: w.url,
    disableInstanceDiscovery: true,
  });
  // @azure/identity turns MSAL's invalid_grant into AuthenticationRequiredError, as with Entra.
  await assert.rejects(credential.getToken(`${mcpApi.app_id_uri}/.default`), (error) => {
    assert.equal(error.name, 'AuthenticationRequiredError');
    assert.deepEqual(error.scopes, [`${mcpApi.app_id_uri}/.default`]);
    assert.match(error.message, /^invalid_grant: Error\(s\): 500131 - .* Description: AADSTS500131: Assertion audience does not match/);
    return true;
  });
});
