// Starts npm oauth2-mock-server over HTTPS with one RS256 key, so that its client_credentials
// tokens cost the same RSA-2048 signature as the mock IdP's, and prints its token URL.
// Usage: node serve.mjs CERT_PEM KEY_PEM
import { OAuth2Server } from 'oauth2-mock-server';

const [cert, key] = process.argv.slice(2);
const server = new OAuth2Server(key, cert);
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');
console.log(`https://127.0.0.1:${server.address().port}/token`);
