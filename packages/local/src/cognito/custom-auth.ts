import { timingSafeEqual } from "node:crypto";
import type { DefineAuthChallengeTriggerEvent } from "aws-lambda";
import type { DemoUser } from "../idp/demo-users.ts";
import { type CognitoServiceError, invalidParameter, missingMember, notAuthorized } from "./errors.ts";
import type { SrpChallengeState, SrpServer } from "./srp-server.ts";
import { callTrigger, commonFields, type InvokeTrigger, invalidLambdaResponse, stringMap, type TriggerContext } from "./triggers.ts";

/** One entry of the `session` array Cognito passes to Define. */
export type ChallengeResult = DefineAuthChallengeTriggerEvent["request"]["session"][number];

/** The challenge a flow waits for, with what only the server may know. */
export type PendingChallenge =
  | { readonly name: "PASSWORD_VERIFIER"; readonly srp: SrpChallengeState; readonly server: SrpServer }
  | { readonly name: "CUSTOM_CHALLENGE"; readonly privateParameters: Record<string, string>; readonly metadata: string | undefined };

/** A custom-auth sign-in in progress, kept server-side behind an opaque `Session`. */
export interface AuthFlow {
  readonly context: TriggerContext;
  /** The canonical user name for a known user; the name as typed for an unknown one. */
  readonly username: string;
  readonly user: DemoUser | undefined;
  readonly userAttributes: Record<string, string>;
  /** True for a user that does not exist (the flow can never reach tokens). */
  readonly userNotFound: boolean;
  /** Whether the triggers are told `userNotFound` (only with PreventUserExistenceErrors, as in Cognito). */
  readonly reportUserNotFound: boolean;
  /** `SRP_A` from `InitiateAuth`, when the flow started with `CHALLENGE_NAME: SRP_A`. */
  readonly srpA: string | undefined;
  session: ChallengeResult[];
  pending: PendingChallenge | undefined;
}

/** Where a step leaves the flow: tokens, or one more challenge for the client. */
export type AuthStep =
  | { readonly kind: "tokens" }
  | {
      readonly kind: "challenge";
      readonly challengeName: "PASSWORD_VERIFIER" | "CUSTOM_CHALLENGE";
      readonly parameters: Record<string, string>;
    };

export interface CustomAuthDeps {
  readonly invokeTrigger: InvokeTrigger;
  /** The verifier of a known user, or a fake one for an unknown name. */
  readonly srpServerFor: (flow: AuthFlow) => SrpServer;
}

/** Cognito's `TIMESTAMP` format, e.g. `Sat Sep 5 09:03:07 UTC 2026` (unpadded day). */
const srpTimestamp =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}$/;

/**
 * Cognito's custom-auth orchestration over injected triggers, as the user
 * pool runs it for `CUSTOM_AUTH`:
 *
 * Define → (PASSWORD_VERIFIER by SRP, which Cognito itself checks) → Define →
 * Create → CUSTOM_CHALLENGE → Verify → Define → tokens, the next challenge,
 * or `NotAuthorizedException`.
 *
 * Define sees the whole `session` history; Create runs whenever Define asks
 * for `CUSTOM_CHALLENGE`; Verify gets Create's private parameters, which
 * never leave the server. Cognito issues no tokens for a user that does not
 * exist, whatever Define answers. A wrong answer to the custom challenge
 * is not `CodeMismatchException` (that is for Cognito's own MFA and
 * `EMAIL_OTP` codes): Verify records it, and Define answers with another
 * challenge or a failure (`NotAuthorizedException`). A wrong password ends
 * the flow at once: AWS documents Define being called again only after a
 * successful password verification, so the local pool does not call it on
 * failure.
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-define-auth-challenge.html
 */
export function createCustomAuth(deps: CustomAuthDeps) {
  async function advance(flow: AuthFlow, clientMetadata?: Record<string, string>): Promise<AuthStep> {
    const defined = await callTrigger(deps.invokeTrigger, "DefineAuthChallenge", {
      ...commonFields(flow.context, flow.username),
      triggerSource: "DefineAuthChallenge_Authentication",
      request: {
        userAttributes: flow.userAttributes,
        session: flow.session,
        ...(clientMetadata ? { clientMetadata } : {}),
        ...(flow.reportUserNotFound ? { userNotFound: flow.userNotFound } : {}),
      },
      response: {} as DefineAuthChallengeTriggerEvent["response"],
    });
    const { challengeName, issueTokens, failAuthentication } = (defined.response ?? {}) as Record<string, unknown>;
    if (!isOptional(issueTokens, "boolean") || !isOptional(failAuthentication, "boolean") || !isOptional(challengeName, "string")) {
      throw invalidLambdaResponse();
    }
    if (failAuthentication === true) throw notAuthorized();
    if (issueTokens === true) {
      if (flow.userNotFound) throw notAuthorized();
      flow.pending = undefined;
      return { kind: "tokens" };
    }
    if (challengeName === "PASSWORD_VERIFIER") return passwordVerifierChallenge(flow);
    if (challengeName === "CUSTOM_CHALLENGE") return customChallenge(flow, clientMetadata);
    throw invalidLambdaResponse();
  }

  function passwordVerifierChallenge(flow: AuthFlow): AuthStep {
    // SRP needs the client's A: without `CHALLENGE_NAME: SRP_A` there is nothing to answer with.
    if (flow.srpA === undefined || flow.session.some((step) => step.challengeName === "PASSWORD_VERIFIER")) throw invalidLambdaResponse();
    const server = deps.srpServerFor(flow);
    let srp: SrpChallengeState;
    try {
      srp = server.challenge(flow.srpA);
    } catch {
      throw invalidSrpA();
    }
    flow.pending = { name: "PASSWORD_VERIFIER", srp, server };
    return { kind: "challenge", challengeName: "PASSWORD_VERIFIER", parameters: { ...srp.parameters } };
  }

  async function customChallenge(flow: AuthFlow, clientMetadata?: Record<string, string>): Promise<AuthStep> {
    const created = await callTrigger(deps.invokeTrigger, "CreateAuthChallenge", {
      ...commonFields(flow.context, flow.username),
      triggerSource: "CreateAuthChallenge_Authentication",
      request: {
        userAttributes: flow.userAttributes,
        challengeName: "CUSTOM_CHALLENGE",
        session: flow.session,
        ...(clientMetadata ? { clientMetadata } : {}),
        ...(flow.reportUserNotFound ? { userNotFound: flow.userNotFound } : {}),
      },
      response: {} as never,
    });
    const response = (created.response ?? {}) as Record<string, unknown>;
    const publicParameters = stringMap(response.publicChallengeParameters);
    const privateParameters = stringMap(response.privateChallengeParameters);
    if (!publicParameters || !privateParameters || !isOptional(response.challengeMetadata, "string")) throw invalidLambdaResponse();
    const metadata = typeof response.challengeMetadata === "string" ? response.challengeMetadata : undefined;
    flow.pending = { name: "CUSTOM_CHALLENGE", privateParameters, metadata };
    return { kind: "challenge", challengeName: "CUSTOM_CHALLENGE", parameters: { ...publicParameters, USERNAME: flow.username } };
  }

  return {
    /** Runs Define (and Create, or the SRP step, when Define asks for it) on the flow's history. */
    advance,

    /**
     * Checks a `PASSWORD_VERIFIER` answer by SRP. A wrong or malformed proof
     * ends the flow with `NotAuthorizedException`; a right one is recorded
     * and Define decides the next step.
     */
    async answerPasswordVerifier(flow: AuthFlow, responses: Record<string, string>): Promise<AuthStep> {
      const pending = flow.pending;
      if (pending?.name !== "PASSWORD_VERIFIER") throw invalidParameter("The session does not wait for PASSWORD_VERIFIER");
      for (const member of ["PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"]) {
        if (typeof responses[member] !== "string") throw missingMember(member);
      }
      const signature = responses.PASSWORD_CLAIM_SIGNATURE ?? "";
      const timestamp = responses.TIMESTAMP ?? "";
      const block = Buffer.from(responses.PASSWORD_CLAIM_SECRET_BLOCK ?? "");
      const issued = Buffer.from(pending.srp.parameters.SECRET_BLOCK);
      const sameBlock = block.length === issued.length && timingSafeEqual(block, issued);
      const proven = sameBlock && srpTimestamp.test(timestamp) && pending.server.verify(pending.srp, signature, timestamp);
      if (!proven || flow.userNotFound) throw notAuthorized();
      flow.session = [...flow.session, { challengeName: "PASSWORD_VERIFIER", challengeResult: true }];
      flow.pending = undefined;
      return advance(flow);
    },

    /** Runs Verify on a `CUSTOM_CHALLENGE` answer, records its result, and lets Define decide. */
    async answerCustomChallenge(flow: AuthFlow, answer: string, clientMetadata?: Record<string, string>): Promise<AuthStep> {
      const pending = flow.pending;
      if (pending?.name !== "CUSTOM_CHALLENGE") throw invalidParameter("The session does not wait for CUSTOM_CHALLENGE");
      const verified = await callTrigger(deps.invokeTrigger, "VerifyAuthChallengeResponse", {
        ...commonFields(flow.context, flow.username),
        triggerSource: "VerifyAuthChallengeResponse_Authentication",
        request: {
          userAttributes: flow.userAttributes,
          privateChallengeParameters: pending.privateParameters,
          challengeAnswer: answer,
          ...(clientMetadata ? { clientMetadata } : {}),
          ...(flow.reportUserNotFound ? { userNotFound: flow.userNotFound } : {}),
        },
        response: {} as never,
      });
      const correct = (verified.response as { answerCorrect?: unknown } | null)?.answerCorrect;
      if (typeof correct !== "boolean") throw invalidLambdaResponse();
      flow.session = [
        ...flow.session,
        {
          challengeName: "CUSTOM_CHALLENGE",
          challengeResult: correct,
          ...(pending.metadata !== undefined ? { challengeMetadata: pending.metadata } : {}),
        },
      ];
      flow.pending = undefined;
      return advance(flow, clientMetadata);
    },
  };
}

export type CustomAuth = ReturnType<typeof createCustomAuth>;

function isOptional(value: unknown, type: "boolean" | "string"): boolean {
  return value === undefined || value === null || typeof value === type;
}

/** Raised (and mapped to `InvalidParameterException`) for an `SRP_A` that SRP-6a forbids. */
export function invalidSrpA(): CognitoServiceError {
  return invalidParameter("SRP_A must be a non-zero value mod N");
}
