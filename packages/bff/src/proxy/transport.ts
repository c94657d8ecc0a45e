/** One HTTP exchange with the private API, as the proxy needs it: the whole body buffered both ways. */
export interface TransportRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** Covers the whole exchange, body included. */
  timeoutMs: number;
}

export interface TransportResponse {
  status: number;
  /** Lower-cased names; only `set-cookie` may repeat (an array), which the proxy drops anyway. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

/**
 * Sends one request and buffers the answer. Never follows redirects. Rejects
 * with {@link TransportTimeout} when `timeoutMs` passes first, with any other
 * error when the exchange fails.
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** The exchange did not finish within its `timeoutMs`. */
export class TransportTimeout extends Error {
  override readonly name = "TransportTimeout";
}
