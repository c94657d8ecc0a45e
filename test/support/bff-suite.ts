/**
 * The one integration harness (`startTestPlatform`) as the BFF's own suites
 * use it: the proxy calls a recording stand-in for the private API, the
 * limits are small, and the BFF runs in this process on a clock a test can
 * move forward.
 */
import { type RecordingUpstream, startTestPlatform, type TestPlatform } from "@spa-bff/local/testing";

export interface BffSuite extends TestPlatform {
  upstream: RecordingUpstream;
  /** Seconds added to the BFF's clock. */
  clock: { offset: number };
}

export const epochSeconds = () => Math.floor(Date.now() / 1000);

/** Starts the platform for a BFF suite; `env` overrides BFF variables. */
export async function startBffSuite(env: Record<string, string> = {}): Promise<BffSuite> {
  const clock = { offset: 0 };
  const platform = await startTestPlatform({
    upstream: "recording",
    bffEnv: { UPSTREAM_TIMEOUT_MS: "1000", MAX_BODY_BYTES: "1024", ...env },
    bffAdapters: () => ({ clock: () => epochSeconds() + clock.offset }),
  });
  if (!platform.upstream) throw new Error("the suite's recording upstream did not start");
  return Object.assign(platform, { upstream: platform.upstream, clock });
}
