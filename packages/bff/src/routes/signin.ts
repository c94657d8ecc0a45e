import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { BadRequestError, ErrorCodes, isAppError } from "@spa-bff/core";
import * as z from "zod/mini";
import { AuditEvents, audit } from "../audit.ts";
import { startSession } from "../auth/start-session.ts";
import type { LoginConfig } from "../config.ts";
import { clientIp } from "../http/client-ip.ts";
import { clearCookie, serializeCookie } from "../http/cookies.ts";
import { assertCsrfHeader, assertSameSite } from "../http/csrf.ts";
import type { RequestContext } from "../http/request-context.ts";
import { type BffResult, errorResponse, json } from "../http/respond.ts";
import type { BffRuntime } from "../runtime.ts";
import { SignInFailedError, SignInLockedError } from "../signin/errors.ts";
import { SIGNIN_COOKIE_NAME } from "../signin/pending-signin.ts";
import type { SignInResult, SignInService } from "../signin/signin-service.ts";
import { describeSession } from "./session.ts";

/** One sign-in route, in the shape the handler's router takes. */
export interface SignInRoute {
  method: "POST";
  path: string;
  handler: (ctx: RequestContext) => Promise<BffResult>;
}

/** What the routes may be given instead of what they build from the config (tests, benchmarks). */
export interface SignInRouteDeps {
  /** The Cognito API client (`aws-sdk-client-mock` in tests); by default one in the user pool's region. */
  cognito?: Pick<CognitoIdentityProviderClient, "send">;
}

type BrandedLogin = Extract<LoginConfig, { mode: "branded" }>;

/** A JSON body of a sign-in step is a few hundred bytes; anything much larger is not one. */
const MAX_SIGNIN_BODY_BYTES = 4096;

const signInBody = z.object({
  username: z.string({ error: "Enter your username" }).check(
    z.refine((value) => value.trim() !== "", "Enter your username"),
    z.maxLength(128, "At most 128 characters"),
  ),
  password: z
    .string({ error: "Enter your password" })
    .check(z.minLength(1, "Enter your password"), z.maxLength(256, "At most 256 characters")),
});

const codeBody = z.object({
  code: z.string({ error: "Enter the 6-digit code" }).check(z.refine((value) => /^\d{6}$/.test(value.trim()), "Enter the 6-digit code")),
});

/**
 * The branded sign-in (`LOGIN_MODE=branded`), a JSON API the SPA drives:
 *
 * - `POST /auth/signin` `{username, password}` → 200 `{challenge: "CODE", destination, retry}` and the
 *   sealed `__Host-bff-signin` cookie (Cognito's `Session` never reaches JavaScript)
 * - `POST /auth/signin/code` `{code}` with that cookie → 200 with the `/auth/session` answer and a new
 *   session cookie; a wrong code answers the code challenge again with `retry: true`
 *
 * Both are JSON routes (`X-CSRF: 1`, same-site only). Failures are the
 * sign-in errors: 401 `login_failed` (one message for unknown users and
 * wrong passwords), 429 `too_many_attempts` with `Retry-After`, 400
 * `invalid_login_state` without a usable pending cookie. The Cognito SDK
 * and the SRP library load with the first sign-in, so the cold start of
 * every other route does not pay for them.
 *
 * @example
 * const routes = config.login.mode === "branded" ? createSignInRoutes(runtime, config.login) : [];
 */
export function createSignInRoutes(runtime: BffRuntime, login: BrandedLogin, deps: SignInRouteDeps = {}): SignInRoute[] {
  let loading: Promise<SignInService> | undefined;
  const service = (): Promise<SignInService> => {
    loading ??= buildSignInService(runtime, login, deps).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };

  async function respond(ctx: RequestContext, result: SignInResult): Promise<BffResult> {
    if (result.kind === "code_required") {
      ctx.responseCookies.push(
        serializeCookie(SIGNIN_COOKIE_NAME, result.pending, { maxAge: result.pendingMaxAgeSeconds, sameSite: "Strict" }),
      );
      return json(200, { challenge: "CODE", ...(result.destination ? { destination: result.destination } : {}), retry: result.retry });
    }
    const session = await startSession(runtime, ctx, { user: result.user, tokens: result.tokens }, "branded");
    if (ctx.cookies.has(SIGNIN_COOKIE_NAME)) ctx.responseCookies.push(clearCookie(SIGNIN_COOKIE_NAME));
    return json(200, describeSession(session));
  }

  /** The sign-in's own refusals: audited, the pending sign-in dropped, and a lockout told when to come back. */
  function refused(ctx: RequestContext, error: unknown): BffResult {
    const ended = error instanceof SignInFailedError || error instanceof SignInLockedError;
    const lostState = isAppError(error) && error.code === ErrorCodes.invalidLoginState;
    if (!ended && !lostState) throw error;
    if (ended) audit(runtime.logger, AuditEvents.loginFailed, { reason: error.code, requestId: ctx.requestId, method: "branded" });
    // A wrong password, a finished code step or a lost sign-in all restart at the password form.
    if (ctx.cookies.has(SIGNIN_COOKIE_NAME)) ctx.responseCookies.push(clearCookie(SIGNIN_COOKIE_NAME));
    const response = errorResponse(error, runtime.logger, ctx.logFields);
    if (error instanceof SignInLockedError) {
      response.headers = { ...response.headers, "retry-after": String(Math.max(1, Math.ceil(error.retryAfterSeconds))) };
    }
    return response;
  }

  return [
    {
      method: "POST",
      path: "/auth/signin",
      handler: async (ctx) => {
        assertCsrfHeader(ctx.headers);
        assertSameSite(ctx.headers, runtime.config.appOrigin);
        const body = parseBody(ctx, signInBody);
        const signIn = await service();
        try {
          return await respond(ctx, await signIn.start({ ...body, ip: clientIp(ctx) }, ctx.now));
        } catch (error) {
          return refused(ctx, error);
        }
      },
    },
    {
      method: "POST",
      path: "/auth/signin/code",
      handler: async (ctx) => {
        assertCsrfHeader(ctx.headers);
        assertSameSite(ctx.headers, runtime.config.appOrigin);
        const body = parseBody(ctx, codeBody);
        const signIn = await service();
        try {
          const result = await signIn.answer({ code: body.code, pending: ctx.cookies.get(SIGNIN_COOKIE_NAME), ip: clientIp(ctx) }, ctx.now);
          return await respond(ctx, result);
        } catch (error) {
          return refused(ctx, error);
        }
      },
    },
  ];
}

async function buildSignInService(runtime: BffRuntime, login: BrandedLogin, deps: SignInRouteDeps): Promise<SignInService> {
  const [signin, { DynamoDBClient }, { sealer }] = await Promise.all([
    import("../signin/index.ts"),
    import("@aws-sdk/client-dynamodb"),
    runtime.sessionLayer(),
  ]);
  // The pool id starts with its region ("eu-west-1_AbC…"), which is where the Cognito API must be called.
  const region = login.userPoolId.split("_")[0] ?? runtime.config.region;
  const cognito = deps.cognito ?? new (await import("@aws-sdk/client-cognito-identity-provider")).CognitoIdentityProviderClient({ region });
  const endpoint = runtime.config.dynamodbEndpoint;
  const dynamodb = new DynamoDBClient({
    ...(runtime.config.region ? { region: runtime.config.region } : {}),
    ...(endpoint
      ? { endpoint, region: runtime.config.region ?? "local", credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : {}),
  });
  const clientSecret = runtime.config.oidc.clientSecret;
  // loadBffConfig refuses LOGIN_MODE=branded without a secret; this keeps a hand-built config honest too.
  if (!clientSecret) throw new Error("The branded sign-in needs OIDC_CLIENT_SECRET");
  return signin.createSignInService({
    cognito: signin.createCognitoSignInClient({
      client: cognito,
      userPoolId: login.userPoolId,
      clientId: runtime.config.oidc.clientId,
      clientSecret,
    }),
    rateLimiter: signin.createDynamoRateLimiter({ client: dynamodb, tableName: login.signInTable }),
    sealer,
    clock: runtime.now,
    logger: runtime.logger,
  });
}

/** The JSON body, size-capped and checked; 400 `validation_failed` names each bad field, never echoing a value. */
function parseBody<T>(ctx: RequestContext, schema: z.ZodMiniType<T>): T {
  const raw = ctx.event.body ?? "";
  const text = ctx.event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  if (Buffer.byteLength(text, "utf8") > MAX_SIGNIN_BODY_BYTES) {
    throw new BadRequestError(`The request body exceeds ${MAX_SIGNIN_BODY_BYTES} bytes`, { code: ErrorCodes.payloadTooLarge, status: 413 });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError("The request body must be JSON");
  }
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const name = issue.path.length > 0 ? String(issue.path[0]) : "body";
    fields[name] ??= name === "body" ? "A JSON object" : issue.message;
  }
  throw new BadRequestError("The sign-in request is invalid", { code: ErrorCodes.validationFailed, details: { fields } });
}
