import { FetchError, NonRetryableFetchError } from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import { isLoopbackUrl } from "../url.ts";

/**
 * An aws-jwt-verify `Fetcher` for an issuer on the loopback interface (the
 * local IdP speaks plain http, which the library's own fetcher refuses). It
 * refuses every URI that is not loopback, so handing it a public issuer by
 * mistake cannot downgrade a deployed stage to http.
 *
 * @example
 * const fetcher = isLoopbackUrl(issuer) ? new LoopbackFetcher() : new SimpleFetcher();
 * const verifier = JwtVerifier.create({ issuer, audience, jwksUri }, { jwksCache: new SimpleJwksCache({ fetcher }) });
 */
export class LoopbackFetcher implements Fetcher {
  readonly timeoutMs: number;

  constructor(options: { timeoutMs?: number } = {}) {
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  async fetch(uri: string): Promise<ArrayBuffer> {
    if (!isLoopbackUrl(uri)) {
      throw new NonRetryableFetchError(uri, "Refusing a non-loopback URI in the loopback fetcher");
    }
    let response: Response;
    try {
      response = await globalThis.fetch(uri, { signal: AbortSignal.timeout(this.timeoutMs), redirect: "error" });
    } catch (error) {
      throw new FetchError(uri, error instanceof Error ? error.message : "request failed");
    }
    if (response.status !== 200) {
      throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    }
    return response.arrayBuffer();
  }
}
