// A hosted-agent container (responses protocol 2.0.0) that, for every request, asks
// @azure/identity's ManagedIdentityCredential for a token for https://ai.azure.com, the way
// agent code does with DefaultAzureCredential, and answers with what it saw: the token's
// claims (never the token), its request headers and its environment's contract variables.
import { createServer } from 'node:http';

import { ManagedIdentityCredential } from '@azure/identity';

const credential = new ManagedIdentityCredential();

function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

const server = createServer(async (request, response) => {
  if (request.method === 'GET' && request.url === '/readiness') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    return;
  }
  if (request.method !== 'POST' || request.url !== '/responses') {
    response.writeHead(404).end();
    return;
  }
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const seen = { headers: request.headers, input: body.input };
  try {
    const token = await credential.getToken('https://ai.azure.com/.default');
    seen.claims = claimsOf(token.token);
    seen.expiresOnTimestamp = token.expiresOnTimestamp;
  } catch (error) {
    seen.error = String(error);
  }
  seen.env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => /^(FOUNDRY_|IDENTITY_ENDPOINT$|TOOLAUTH_)/.test(name)),
  );
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      object: 'response',
      status: 'completed',
      output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] }],
      seen,
    }),
  );
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
