// User sign-in with real clients against the mock IdP: MSAL Node (authorization code with
// PKCE through the sign-in pages, device code, username/password, silent refresh),
// openid-client (authorization code with PKCE, state and nonce; refresh; userinfo) and
// @azure/identity (DeviceCodeCredential, UsernamePasswordCredential). A headless user drives
// the pages with plain form POSTs (lib/headless_user.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DeviceCodeCredential, UsernamePasswordCredential } from '@azure/identity';
import { CryptoProvider, PublicClientApplication } from '@azure/msal-node';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

import { HeadlessUser } from './lib/headless_user.mjs';
import { claimsOf, idpWorld } from './lib/toolauth.mjs';

const w = idpWorld();
const contoso = w.tenant('contoso');
const caller = w.client('caller');
const alice = w.user('alice');
const bob = w.user('bob');
const authority = `${w.url}/${contoso.id}`;
const foundryScope = 'https://ai.azure.com/user_impersonation';
const loopback = 'http://localhost:38411';

const discovery = await (await fetch(`${authority}/v2.0/.well-known/openid-configuration`)).json();
const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));

function publicClient() {
  return new PublicClientApplication({
    auth: { clientId: caller.client_id, authority, knownAuthorities: [w.host] },
  });
}

test('MSAL Node: authorization code with PKCE through the sign-in pages, then a silent refresh', async () => {
  const app = publicClient();
  const pkce = await new CryptoProvider().generatePkceCodes();
  const url = await app.getAuthCodeUrl({
    scopes: [foundryScope],
    redirectUri: loopback,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
    state: 'msal-state',
    nonce: 'msal-nonce',
  });
  const back = await new HeadlessUser(alice, w.url).authorize(url);
  assert.equal(back.origin, loopback);
  assert.equal(back.searchParams.get('state'), 'msal-state');
  const result = await app.acquireTokenByCode({
    code: back.searchParams.get('code'),
    scopes: [foundryScope],
    redirectUri: loopback,
    codeVerifier: pkce.verifier,
    nonce: 'msal-nonce',
  });
  assert.equal(result.account.username, alice.username);
  assert.equal(result.account.homeAccountId, `${alice.oid}.${contoso.id}`);
  assert.equal(result.idTokenClaims.nonce, 'msal-nonce');
  const { payload } = await jwtVerify(result.accessToken, jwks, { audience: 'https://ai.azure.com' });
  assert.equal(payload.upn, alice.username);
  assert.equal(payload.scp, 'user_impersonation');

  const refreshed = await app.acquireTokenSilent({ account: result.account, scopes: [foundryScope], forceRefresh: true });
  assert.notEqual(refreshed.accessToken, result.accessToken);
  assert.equal(claimsOf(refreshed.accessToken).oid, alice.oid);
});

test('MSAL Node: device code, the user signing in at the verification page', async () => {
  const app = publicClient();
  const user = new HeadlessUser(bob, w.url);
  let signedIn;
  const result = await app.acquireTokenByDeviceCode({
    scopes: [foundryScope],
    deviceCodeCallback: (response) => {
      assert.match(response.message, new RegExp(response.userCode));
      signedIn = user.deviceLogin(response.verificationUri, response.userCode);
    },
  });
  await signedIn;
  assert.equal(result.account.username, bob.username);
  assert.equal(claimsOf(result.accessToken).scp, 'user_impersonation');
});

test('MSAL Node: username and password', async () => {
  const result = await publicClient().acquireTokenByUsernamePassword({
    scopes: [foundryScope],
    username: alice.username,
    password: alice.password,
  });
  assert.equal(result.account.homeAccountId, `${alice.oid}.${contoso.id}`);
  assert.equal(claimsOf(result.accessToken).aud, 'https://ai.azure.com');
});

test('MSAL Node: a wrong password is AADSTS50126', async () => {
  await assert.rejects(
    publicClient().acquireTokenByUsernamePassword({ scopes: [foundryScope], username: alice.username, password: 'nope' }),
    (error) => {
      assert.equal(error.errorCode, 'invalid_grant');
      assert.match(error.errorMessage, /AADSTS50126/);
      return true;
    },
  );
});

test('MSAL Node: a declined consent comes back as access_denied', async () => {
  const app = publicClient();
  const pkce = await new CryptoProvider().generatePkceCodes();
  const mcpApi = w.resource('mcp-api');
  const url = await app.getAuthCodeUrl({
    scopes: [`${mcpApi.app_id_uri}/Tools.Read`],
    redirectUri: loopback,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
  });
  const back = await new HeadlessUser(alice, w.url).authorize(url, { decision: 'decline' });
  assert.equal(back.searchParams.get('error'), 'access_denied');
  assert.match(back.searchParams.get('error_description'), /^AADSTS65004/);
});

test('openid-client: authorization code with PKCE, state and nonce; refresh; userinfo', async () => {
  const config = await oidc.discovery(new URL(`${authority}/v2.0`), caller.client_id, undefined, oidc.None());
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'https://localhost/callback',
    scope: 'openid profile email offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const back = await new HeadlessUser(alice, w.url).authorize(url.href);
  const tokens = await oidc.authorizationCodeGrant(config, back, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  const claims = tokens.claims();
  assert.equal(claims.preferred_username, alice.username);
  assert.equal(claims.tid, contoso.id);

  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.oid, alice.oid);
  assert.equal(info.email, alice.username);

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token);
  assert.equal(refreshed.claims().sub, claims.sub);
});

test('openid-client with RFC 8414 metadata: a resource indicator in the mcp-profile tenant, iss checked (RFC 9207)', async () => {
  const fabrikam = w.tenant('fabrikam');
  const resource = `api://${w.resource('fabrikam-mcp').client_id}`;
  const config = await oidc.discovery(new URL(fabrikam.issuer), caller.client_id, undefined, oidc.None(), {
    algorithm: 'oauth2',
  });
  assert.deepEqual(config.serverMetadata().code_challenge_methods_supported, ['S256']);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'https://localhost/callback',
    scope: 'mcp.tools offline_access',
    resource,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const back = await new HeadlessUser(w.user('carol'), w.url).authorize(url.href);
  assert.equal(back.searchParams.get('iss'), fabrikam.issuer);
  const tokens = await oidc.authorizationCodeGrant(
    config,
    back,
    { pkceCodeVerifier: verifier, expectedState: state },
    { resource },
  );
  assert.equal(claimsOf(tokens.access_token).aud, resource);
  assert.equal(claimsOf(tokens.access_token).scp, 'mcp.tools');
  // Strict rotation in this tenant: the new refresh token works, the used one no longer does.
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token, { resource });
  assert.equal(claimsOf(refreshed.access_token).aud, resource);
  await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token, { resource }), (error) => {
    assert.equal(error.error, 'invalid_grant');
    return true;
  });
  await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token, { resource }));
});

test('@azure/identity: UsernamePasswordCredential', async () => {
  const credential = new UsernamePasswordCredential(contoso.id, caller.client_id, alice.username, alice.password, {
    authorityHost: w.url,
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken(foundryScope);
  assert.equal(claimsOf(token.token).upn, alice.username);
});

test('@azure/identity: DeviceCodeCredential', async () => {
  const user = new HeadlessUser(bob, w.url);
  let signedIn;
  const credential = new DeviceCodeCredential({
    tenantId: contoso.id,
    clientId: caller.client_id,
    authorityHost: w.url,
    disableInstanceDiscovery: true,
    userPromptCallback: (info) => {
      signedIn = user.deviceLogin(info.verificationUri, info.userCode);
    },
  });
  const token = await credential.getToken(foundryScope);
  await signedIn;
  assert.equal(claimsOf(token.token).upn, bob.username);
});
