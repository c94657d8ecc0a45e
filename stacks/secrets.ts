/**
 * The link the BFF reads its identifier key from (`Resource.IdentifierHashKey.value`,
 * as `IDENTIFIER_HASH_KEY`), and the sessions operator command too, under
 * `sst shell --stage <stage>`, next to `Sessions.name` and `UserPool.id`
 * (packages/bff/src/operator/operator-config.ts).
 */
export const identifierHashKeyLink = "IdentifierHashKey";

/**
 * The stage's HMAC key for every identifier the BFF stores or logs (user
 * names, addresses, subjects): 32 random bytes, base64url, made once per
 * stage by the deploy and kept in its state, so no one sets it by hand and
 * every deploy of the stage keeps the same key (a new key would orphan every
 * session partition). `@pulumi/random` is the provider SST's own functions
 * already use for their link encryption keys, so a deploy needs no extra
 * plugin. It reaches the BFF as a link (encrypted into the bundle, like the
 * client secret), never as plain environment; an operator reads it with
 * `sst shell`, with their own credentials for the stage's state.
 *
 * Imported when called, not at the top of the file: the CLI evaluates
 * `app()` from a bundle of sst.config.ts and everything it imports, before
 * `sst install` has put the platform's packages in place on a fresh clone,
 * and a static import of `@pulumi/random` would fail that first step.
 */
export async function createIdentifierHashKey(): Promise<sst.Linkable<{ value: $util.Output<string> }>> {
  const { RandomBytes } = await import("@pulumi/random");
  const bytes = new RandomBytes("IdentifierHashKeyBytes", { length: 32 });
  const value = bytes.base64.apply((base64) => base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
  return new sst.Linkable(identifierHashKeyLink, { properties: { value: $util.secret(value) } });
}
