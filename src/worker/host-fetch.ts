/**
 * The `fetch` a guest gets when the sandbox's network policy allows some origins. The request is
 * normalized here (the browser's own Request class) and handed to the host as plain data; the host
 * checks it against the allowlist and performs it. Nothing here touches the network.
 */
import { fromBase64, toBase64 } from '../shared/base64.js';
import type { FetchRequest, FetchResponse, HostCallKind } from '../shared/protocol.js';

type CallHost = (kind: HostCallKind, name: string, args: string) => Promise<string>;

/** Sends a normalized request to the host and returns its answer as plain data. */
async function hostFetchData(callHost: CallHost, request: FetchRequest): Promise<FetchResponse> {
  return JSON.parse(await callHost('fetch', '', JSON.stringify(request))) as FetchResponse;
}

/** A WHATWG `fetch` backed by the host (for Python's `js.fetch` and `pyodide.http.pyfetch`). */
export function createHostFetch(callHost: () => CallHost): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : toBase64(new Uint8Array(await request.arrayBuffer()));
    const answer = await hostFetchData(callHost(), {
      url: request.url,
      method: request.method,
      headers: [...request.headers],
      ...(body !== undefined && body !== '' ? { body } : {}),
    });
    const nullBody = [101, 204, 205, 304].includes(answer.status);
    const response = new Response(nullBody ? null : (fromBase64(answer.body) as BodyInit), {
      status: answer.status,
      statusText: answer.statusText,
      headers: answer.headers,
    });
    Object.defineProperty(response, 'url', { value: answer.url });
    return response;
  };
}
