import { type Transport, TransportTimeout } from "./transport.ts";

/**
 * A {@link Transport} on a `fetch` function: what tests and fault suites pass
 * to stand in for the API (`upstreamFetch`). The deployed function uses
 * `createHttpTransport` (http-transport.ts), which costs less CPU per call.
 */
export function createFetchTransport(fetchImpl: typeof fetch): Transport {
  return async (request) => {
    const signal = AbortSignal.timeout(request.timeoutMs);
    try {
      const response = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body && request.body.length > 0 ? { body: request.body } : {}),
        redirect: "manual",
        signal,
      });
      const body = Buffer.from(await response.arrayBuffer());
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      return { status: response.status, headers, body };
    } catch (error) {
      if (signal.aborted) throw new TransportTimeout(`no answer within ${request.timeoutMs} ms`, { cause: error });
      throw error;
    }
  };
}
