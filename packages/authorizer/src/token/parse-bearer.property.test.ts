import { createLogger } from "@spa-bff/core";
import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAuthorizerHandler } from "../handler/authorizer-handler.ts";
import { findAuthorizationHeader, parseBearer } from "./parse-bearer.ts";

const b64token = fc.stringMatching(/^[A-Za-z0-9\-._~+/]+=*$/);
const scheme = fc.constantFrom("Bearer", "bearer", "BEARER", "BeArEr");

describe("parseBearer (property)", () => {
  it("never throws, and answers only a b64token that the header carries verbatim after the scheme", () => {
    fc.assert(
      fc.property(fc.option(fc.string({ unit: "binary" }), { nil: undefined }), (header) => {
        // Act
        const token = parseBearer(header);
        // Assess
        if (token !== undefined) {
          expect(token).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
          expect(header?.slice(7)).toBe(token);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("reads the token of every well-formed header, whatever the scheme's case", () => {
    fc.assert(
      fc.property(scheme, b64token, (name, token) => {
        expect(parseBearer(`${name} ${token}`)).toBe(token);
      }),
    );
  });

  it("refuses a token with whitespace, a comma, CR/LF or a second credential", () => {
    fc.assert(
      fc.property(b64token, fc.constantFrom(" ", "  ", "\t", ",", "\r\n", "\n", ", Bearer x", " Basic x"), b64token, (a, separator, b) => {
        expect(parseBearer(`Bearer ${a}${separator}${b}`)).toBeUndefined();
      }),
    );
  });
});

describe("findAuthorizationHeader (property)", () => {
  it("is ambiguous whenever two different values arrive under any spelling of the name", () => {
    const spelling = fc.constantFrom("authorization", "Authorization", "AUTHORIZATION", "aUtHoRiZaTiOn");
    fc.assert(
      fc.property(spelling, spelling, fc.string(), fc.string(), (nameA, nameB, a, b) => {
        fc.pre(nameA !== nameB && a !== b);
        // Act
        const found = findAuthorizationHeader({ [nameA]: a, [nameB]: b }, undefined);
        // Assess
        expect(found).toEqual({ value: undefined, ambiguous: true });
      }),
    );
  });
});

describe("authorizer handler (property)", () => {
  it("throws exactly Error('Unauthorized') for any header set when no token verifies", async () => {
    // Prepare: a verifier that refuses every token, as for forged or foreign ones
    const logger = createLogger("authorizer-property");
    logger.warn = () => undefined;
    const authorize = createAuthorizerHandler(
      { issuer: "https://idp.example", clientIds: ["web"] } as unknown as Parameters<typeof createAuthorizerHandler>[0],
      {
        logger,
        verifier: {
          verify: async () => {
            throw Object.assign(new Error("invalid signature"), { name: "JwtInvalidSignatureError" });
          },
        } as unknown as NonNullable<Parameters<typeof createAuthorizerHandler>[1]>["verifier"],
      },
    );
    const headers = fc.dictionary(
      fc.constantFrom("authorization", "Authorization", "x-other", "cookie"),
      fc.oneof(
        fc.string({ unit: "binary" }),
        b64token.map((t) => `Bearer ${t}`),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        headers,
        fc.option(fc.dictionary(fc.constantFrom("authorization", "Authorization"), fc.array(fc.string(), { maxLength: 3 })), { nil: null }),
        async (single, multi) => {
          // Prepare
          const event = {
            type: "REQUEST",
            methodArn: "arn:aws:execute-api:us-east-1:123456789012:abc123/local/GET/items",
            resource: "/items",
            path: "/items",
            httpMethod: "GET",
            headers: single,
            multiValueHeaders: multi,
          } as unknown as APIGatewayRequestAuthorizerEvent;
          // Act
          let error: unknown;
          try {
            await authorize(event);
          } catch (caught) {
            error = caught;
          }
          // Assess
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).toBe("Unauthorized");
        },
      ),
      { numRuns: 500 },
    );
  });
});
