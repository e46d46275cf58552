// libs/jose against the npm `jose` library, both ways, over our TLS (with-peer.mjs runs it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';

const peer = JSON.parse(process.env.PEER_READY);
const remoteJwks = createRemoteJWKSet(new URL(`${peer.url}/jwks`));

async function tokenFromPeer(alg) {
  const response = await fetch(`${peer.url}/token/${alg}`);
  assert.equal(response.status, 200);
  return (await response.json()).token;
}

async function verifyAtPeer(token, jwks, overrides = {}) {
  const response = await fetch(`${peer.url}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jwks, token, issuer: 'https://node.test', audience: 'api://node', ...overrides }),
  });
  assert.equal(response.status, 200);
  return response.json();
}

async function nodeKey(alg, kid) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
  return { privateKey, jwks: { keys: [jwk] } };
}

function nodeToken(privateKey, alg, kid, claims = {}, expiresIn = '5m') {
  return new SignJWT({ scp: 'read', ...claims })
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setIssuer('https://node.test')
    .setAudience('api://node')
    .setSubject('bob')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(privateKey);
}

for (const alg of ['RS256', 'PS256', 'ES256']) {
  test(`npm jose verifies a ${alg} token signed by libs/jose through createRemoteJWKSet`, async () => {
    const token = await tokenFromPeer(alg);
    const { payload, protectedHeader } = await jwtVerify(token, remoteJwks, {
      issuer: peer.issuer,
      audience: peer.audience,
      algorithms: [alg],
    });
    assert.equal(payload.sub, 'alice');
    assert.equal(protectedHeader.alg, alg);
    assert.equal(protectedHeader.typ, 'JWT');
    assert.ok(typeof payload.jti === 'string' && payload.jti.length > 0);
  });

  test(`libs/jose verifies a ${alg} token signed by npm jose`, async () => {
    const { privateKey, jwks } = await nodeKey(alg, `node-${alg}`);
    const token = await nodeToken(privateKey, alg, `node-${alg}`);
    const result = await verifyAtPeer(token, jwks);
    assert.equal(result.valid, true, result.error);
    assert.equal(result.claims.sub, 'bob');
    assert.equal(result.claims.scp, 'read');
  });
}

test('our JWKS has the Entra shape: kid equals x5t, x5c published, no alg', async () => {
  const response = await fetch(`${peer.url}/jwks`);
  const { keys } = await response.json();
  assert.equal(keys.length, 3);
  for (const key of keys) {
    assert.equal(key.use, 'sig');
    assert.equal(key.kid, key.x5t);
    assert.ok(Array.isArray(key.x5c) && key.x5c.length === 1);
    assert.equal(key.alg, undefined);
  }
});

test('libs/jose refuses an npm jose token whose payload was tampered with', async () => {
  const { privateKey, jwks } = await nodeKey('RS256', 'node-tamper');
  const token = await nodeToken(privateKey, 'RS256', 'node-tamper');
  const [header, , signature] = token.split('.');
  const forgedPayload = Buffer.from(JSON.stringify({ iss: 'https://node.test', aud: 'api://node', sub: 'admin', exp: 4102444800 })).toString('base64url');
  const result = await verifyAtPeer(`${header}.${forgedPayload}.${signature}`, jwks);
  assert.equal(result.valid, false);
  assert.equal(result.code, 'invalid signature');
});

test('libs/jose refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
  const { jwks } = await nodeKey('RS256', 'node-hs');
  const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', kid: 'node-hs' })
    .setIssuer('https://node.test')
    .setAudience('api://node')
    .setExpirationTime('5m')
    .sign(secret);
  const result = await verifyAtPeer(token, jwks);
  assert.equal(result.valid, false);
  assert.equal(result.code, 'signature algorithm not allowed');
});

test('libs/jose refuses an expired npm jose token and one for another audience', async () => {
  const { privateKey, jwks } = await nodeKey('ES256', 'node-exp');
  const expired = await nodeToken(privateKey, 'ES256', 'node-exp', {}, Math.floor(Date.now() / 1000) - 60);
  assert.equal((await verifyAtPeer(expired, jwks)).code, 'token expired');
  const fresh = await nodeToken(privateKey, 'ES256', 'node-exp');
  assert.equal((await verifyAtPeer(fresh, jwks, { audience: 'api://other' })).code, 'audience not accepted');
});
