/**
 * `ai-sandbox/mcp`: an MCP server (`@modelcontextprotocol/sdk`, an optional peer dependency) that
 * runs in the page and offers the `run_code` tool, and, when given a sandbox's file system, that
 * sandbox's files as resources. Connect it to any transport the SDK offers, e.g. its in-memory
 * pair for an MCP client in the same page:
 *
 * ```ts
 * const server = createMcpServer({ sandboxes: { python: () => createSandbox({ language: 'python' }) } });
 * const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
 * await server.connect(serverSide);
 * await client.connect(clientSide);
 * ```
 *
 * Results are MCP content: the formatted text, then the run's images; `isError` when the arguments
 * were invalid or the run did not end `ok`. A client's cancellation aborts the run; with a
 * `progressToken` the output so far is sent as progress notifications.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListResourcesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { SandboxFileSystem } from '../shared/types.js';
import { toBase64 } from '../shared/base64.js';
import { createRunCodeTool, type RunCodeToolOptions } from '../tool/run-code-tool.js';
import { streamCall } from './stream-call.js';

/** Options of {@link createMcpServer}: those of `createRunCodeTool`, the server's name, and files. */
export interface McpServerOptions extends RunCodeToolOptions {
  /** The server's name and version as clients see them (default `ai-sandbox` and the package's major version). */
  serverInfo?: { name: string; version: string };
  /** A sandbox's file system (`sandbox.fs`) whose home folder is listed as read-only resources. */
  files?: SandboxFileSystem;
  /** The most entries (files and folders alike) the resource listing looks at, and so the most files it lists (default 200). */
  maxResources?: number;
}

/** The guest's home folder; resource URIs are `sandbox:///home/user/<path>`. */
const HOME = '/home/user';

const TEXT_TYPES: Record<string, string> = { txt: 'text/plain', csv: 'text/csv', json: 'application/json', md: 'text/markdown', py: 'text/x-python', js: 'text/javascript', html: 'text/html', svg: 'image/svg+xml' };
const BINARY_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf' };

/** The MIME type of a file by its extension, and whether it is text. */
function typeOf(path: string): { mimeType: string; text: boolean } {
  const ext = path.split('.').pop()?.toLowerCase() ?? '';
  if (TEXT_TYPES[ext]) return { mimeType: TEXT_TYPES[ext], text: true };
  return { mimeType: BINARY_TYPES[ext] ?? 'application/octet-stream', text: false };
}

/**
 * Files under `HOME`, depth first: every entry seen (file or folder) counts against `max`, so a
 * tree of thousands of empty folders costs no more than `max` calls. What cannot be listed or read
 * as a file (a symbolic link, which the host never follows; a folder that vanished) is left out.
 */
async function listFiles(fs: SandboxFileSystem, max: number): Promise<string[]> {
  const found: string[] = [];
  let seen = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const name of await fs.readdir(dir)) {
      if (++seen > max) return;
      const path = `${dir}/${name}`;
      try {
        await walk(path);
      } catch (error) {
        if ((error as { errno?: string }).errno === 'ENOTDIR') found.push(path);
      }
    }
  };
  await walk(HOME);
  return found;
}

/** Creates an MCP server that runs code in the app's sandboxes. Connect it to a transport to use it. */
export function createMcpServer(options: McpServerOptions): Server {
  const core = createRunCodeTool(options);
  const { definition } = core;
  const server = new Server(options.serverInfo ?? { name: 'ai-sandbox', version: '0' }, {
    capabilities: { tools: {}, ...(options.files && { resources: {} }) },
  });

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [{ name: definition.name, description: definition.description, inputSchema: definition.parameters }],
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    if (request.params.name !== definition.name) {
      return { content: [{ type: 'text', text: `unknown tool ${JSON.stringify(request.params.name)}: this server offers ${definition.name}` }], isError: true };
    }
    const token = request.params._meta?.progressToken;
    const call = streamCall((callbacks) => core.call(request.params.arguments ?? {}, { signal: extra.signal, ...callbacks }));
    if (token !== undefined) {
      let progress = 0;
      for await (const { stdout, stderr } of call.progress) {
        progress += 1;
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message: stdout + stderr } });
      }
    }
    const outcome = await call.outcome;
    return {
      content: outcome.parts.map((part) => (part.type === 'text' ? part : { type: 'image', mimeType: part.mediaType, data: part.data })),
      isError: outcome.isError,
    };
  });

  const { files } = options;
  if (files) {
    const toUri = (path: string) => `sandbox://${path.split('/').map(encodeURIComponent).join('/')}`;
    server.setRequestHandler(ListResourcesRequestSchema, async () => ({
      resources: (await listFiles(files, options.maxResources ?? 200)).map((path) => ({ uri: toUri(path), name: path.slice(HOME.length + 1), mimeType: typeOf(path).mimeType })),
    }));
    server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
      const { uri } = request.params;
      const path = uri.startsWith('sandbox:///') ? decodeURIComponent(uri.slice('sandbox://'.length)) : '';
      if (!path.startsWith(`${HOME}/`) || path.split('/').includes('..')) throw new Error(`not a sandbox file: ${uri}`);
      const bytes = await files.readFile(path);
      const { mimeType, text } = typeOf(path);
      return { contents: [text ? { uri, mimeType, text: new TextDecoder().decode(bytes) } : { uri, mimeType, blob: toBase64(bytes) }] };
    });
  }
  return server;
}
