// App-only tokens from the mock IdP with real clients: MSAL Node, @azure/identity and
// openid-client against client secrets and certificate assertions, verified with npm jose
// through the IdP's JWKS over our TLS.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ClientAssertionCredential, ClientSecretCredential } from '@azure/identity';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { createRemoteJWKSet, importPKCS8, jwtVerify, SignJWT } from 'jose';
import * as oidc from 'openid-client';

import { claimsOf, idpWorld } from './lib/toolauth.mjs';

const w = idpWorld();
const contoso = w.tenant('contoso');
const foundry = w.client('foundry');
const daemon = w.client('daemon');
const mcpApi = w.resource('mcp-api');
const scope = `${mcpApi.app_id_uri}/.default`;
const authority = `${w.url}/${contoso.id}`;
const keysDir = fileURLToPath(new URL('../../fixtures/default/keys/', import.meta.url));
const daemonCertificate = readFileSync(`${keysDir}daemon.pem`, 'utf8');
const daemonKey = readFileSync(`${keysDir}daemon.key`, 'utf8');

const discovery = await (await fetch(`${authority}/v2.0/.well-known/openid-configuration`)).json();
const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));

async function verifyAppToken(accessToken, clientId) {
  const { payload } = await jwtVerify(accessToken, jwks, { issuer: contoso.issuer, audience: mcpApi.client_id });
  assert.equal(payload.azp, clientId);
  assert.equal(payload.idtyp, 'app');
  assert.deepEqual(payload.roles, ['Tools.Invoke.All']);
  assert.equal(payload.tid, contoso.id);
  return payload;
}

function msal(auth) {
  return new ConfidentialClientApplication({
    auth: { authority, knownAuthorities: [w.host], ...auth },
  });
}

test('MSAL Node: client credentials with a client secret', async () => {
  const app = msal({ clientId: foundry.client_id, clientSecret: foundry.client_secret });
  const result = await app.acquireTokenByClientCredential({ scopes: [scope] });
  const payload = await verifyAppToken(result.accessToken, foundry.client_id);
  assert.equal(payload.azpacr, '1');
  assert.ok(result.expiresOn > new Date());
});

test('MSAL Node: client credentials with a certificate (PS256, x5t#S256)', async () => {
  const thumbprintSha256 = new X509Certificate(daemonCertificate).fingerprint256.replaceAll(':', '');
  const app = msal({ clientId: daemon.client_id, clientCertificate: { thumbprintSha256, privateKey: daemonKey } });
  const result = await app.acquireTokenByClientCredential({ scopes: [scope] });
  const payload = await verifyAppToken(result.accessToken, daemon.client_id);
  assert.equal(payload.azpacr, '2');
});

test('MSAL Node: a wrong client secret is AADSTS7000215 invalid_client', async () => {
  const app = msal({ clientId: foundry.client_id, clientSecret: 'not-the-secret-of-foundry' });
  await assert.rejects(app.acquireTokenByClientCredential({ scopes: [scope] }), (error) => {
    assert.equal(error.errorCode, 'invalid_client');
    assert.match(error.errorMessage, /AADSTS7000215/);
    return true;
  });
});

test('@azure/identity ClientSecretCredential', async () => {
  const credential = new ClientSecretCredential(contoso.id, foundry.client_id, foundry.client_secret, {
    authorityHost: w.url,
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken(scope);
  await verifyAppToken(token.token, foundry.client_id);
});

test('@azure/identity ClientAssertionCredential with a certificate-signed assertion (RS256, x5t)', async () => {
  const key = await importPKCS8(daemonKey, 'RS256');
  const x5t = Buffer.from(new X509Certificate(daemonCertificate).fingerprint.replaceAll(':', ''), 'hex').toString('base64url');
  const getAssertion = () =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t })
      .setIssuer(daemon.client_id)
      .setSubject(daemon.client_id)
      .setAudience(discovery.token_endpoint)
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('10m')
      .sign(key);
  const credential = new ClientAssertionCredential(contoso.id, daemon.client_id, getAssertion, {
    authorityHost: w.url,
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken(scope);
  await verifyAppToken(token.token, daemon.client_id);
});

test('openid-client: discovery and client credentials (client_secret_post and basic)', async () => {
  const issuer = new URL(contoso.issuer);
  for (const auth of [oidc.ClientSecretPost(foundry.client_secret), oidc.ClientSecretBasic(foundry.client_secret)]) {
    const config = await oidc.discovery(issuer, foundry.client_id, undefined, auth);
    assert.equal(config.serverMetadata().issuer, contoso.issuer);
    const tokens = await oidc.clientCredentialsGrant(config, { scope });
    await verifyAppToken(tokens.access_token, foundry.client_id);
    assert.equal(tokens.refresh_token, undefined);
  }
});

test('every token is freshly minted with its own uti', async () => {
  const credential = new ClientSecretCredential(contoso.id, foundry.client_id, foundry.client_secret, {
    authorityHost: w.url,
    disableInstanceDiscovery: true,
  });
  const first = claimsOf((await credential.getToken(scope)).token);
  const app = msal({ clientId: foundry.client_id, clientSecret: foundry.client_secret });
  const second = claimsOf((await app.acquireTokenByClientCredential({ scopes: [scope] })).accessToken);
  assert.notEqual(first.uti, second.uti);
});

test('@azure/identity: another tenant needs additionallyAllowedTenants, then the IdP judges the client there', async () => {
  const fabrikam = w.tenant('fabrikam');
  const options = { authorityHost: w.url, disableInstanceDiscovery: true };
  const confined = new ClientSecretCredential(contoso.id, foundry.client_id, foundry.client_secret, options);
  // Refused by the SDK itself, before any request.
  await assert.rejects(confined.getToken(scope, { tenantId: fabrikam.id }), (error) => {
    assert.equal(error.name, 'CredentialUnavailableError');
    assert.match(error.message, /not configured to acquire tokens for tenant .*AdditionallyAllowedTenants/);
    return true;
  });
  const allowed = new ClientSecretCredential(contoso.id, foundry.client_id, foundry.client_secret, {
    ...options,
    additionallyAllowedTenants: [fabrikam.id],
  });
  // foundry is a single-tenant app of contoso: fabrikam does not know it.
  await assert.rejects(allowed.getToken(scope, { tenantId: fabrikam.id }), (error) => {
    assert.match(error.message, /AADSTS700016: Application with identifier '[^']+' was not found in the directory 'fabrikam\.onmicrosoft\.com'/);
    return true;
  });
});
