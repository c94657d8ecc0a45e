/**
 * Compile-only checks of the authorizer context, the contract between the
 * authorizer and every integration behind it (API Gateway passes it on as
 * `requestContext.authorizer`). Checked by `npm run typecheck`, never run.
 */
import { expectTypeOf } from "vitest";
import type { AuthorizerContext } from "./index.ts";

// The exact key set: a new key is a contract change, so it must fail here first.
expectTypeOf<keyof AuthorizerContext>().toEqualTypeOf<"sub" | "clientId" | "scope" | "principalType" | "username" | "exp">();
expectTypeOf<AuthorizerContext>().toEqualTypeOf<{
  sub: string;
  clientId: string;
  scope: string;
  principalType: "user" | "machine";
  username?: string;
  exp: string;
}>();

// principalType is a closed union, not any string.
expectTypeOf<AuthorizerContext["principalType"]>().toEqualTypeOf<"user" | "machine">();

// username is optional: a machine token carries none.
expectTypeOf<AuthorizerContext>().toHaveProperty("username").toEqualTypeOf<string | undefined>();
expectTypeOf<{ sub: string; clientId: string; scope: string; principalType: "machine"; exp: string }>().toExtend<AuthorizerContext>();

// Every value is a string, as API Gateway's context allows (it would drop or reject objects).
expectTypeOf<AuthorizerContext[keyof AuthorizerContext]>().toEqualTypeOf<string | undefined>();

export const machine: AuthorizerContext = {
  sub: "m2m-client",
  clientId: "m2m-client",
  scope: "items/read",
  principalType: "machine",
  exp: "1800000000",
};

export const user: AuthorizerContext = {
  sub: "0f1e",
  clientId: "web",
  scope: "openid items/read",
  principalType: "user",
  username: "alice",
  exp: "1800000000",
};

export const unknownType: AuthorizerContext = {
  sub: "0f1e",
  clientId: "web",
  scope: "",
  // @ts-expect-error only "user" or "machine"
  principalType: "service",
};

export const extraKey: AuthorizerContext = {
  sub: "0f1e",
  clientId: "web",
  scope: "",
  principalType: "user",
  // @ts-expect-error no other keys: nothing from the token beyond these reaches the API
  email: "alice@example.com",
};

// @ts-expect-error clientId is required
export const withoutClientId: AuthorizerContext = { sub: "0f1e", scope: "", principalType: "user" };

export const scopesAsArray: AuthorizerContext = {
  sub: "0f1e",
  clientId: "web",
  // @ts-expect-error scopes travel space-separated in one string
  scope: ["items/read"],
  principalType: "user",
};
