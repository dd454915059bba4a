// An MCP server in the page that offers run_code, and an MCP client that calls it, connected by
// the SDK's in-memory transport. Any MCP transport works the same way.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createSandbox } from 'ai-sandbox/javascript';
import { createMcpServer } from 'ai-sandbox/mcp';
import { show } from '../show.js';

await show(async () => {
  const sandbox = await createSandbox({ language: 'javascript' });
  const server = createMcpServer({ sandboxes: { javascript: sandbox } });
  const client = new Client({ name: 'example', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  const { tools } = await client.listTools();
  const result = await client.callTool({ name: 'run_code', arguments: { language: 'javascript', code: "'hello'.toUpperCase()" } });
  await client.close();
  await sandbox.dispose();
  return { tools: tools.map((t) => t.name), isError: result.isError, text: result.content[0].text };
});
