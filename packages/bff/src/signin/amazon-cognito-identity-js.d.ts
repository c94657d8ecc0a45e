// The package's index.d.ts types only its high-level classes; these are the SRP helpers the BFF uses, as they are in lib/.

declare module "amazon-cognito-identity-js/lib/BigInteger.js" {
  /** jsbn's BigInteger, trimmed by Amplify to what SRP needs. */
  export default class BigInteger {
    constructor(value: string, radix: number);
    toString(radix: number): string;
  }
}

declare module "amazon-cognito-identity-js/lib/AuthenticationHelper.js" {
  import type BigInteger from "amazon-cognito-identity-js/lib/BigInteger.js";

  /** Amplify's client side of Cognito's SRP-6a; one instance per sign-in (it holds the ephemeral secret `a`). */
  export default class AuthenticationHelper {
    /** @param poolName the part of the user pool id after the underscore */
    constructor(poolName: string);
    getLargeAValue(callback: (error: Error | null, largeA: BigInteger | null) => void): void;
    getPasswordAuthenticationKey(
      username: string,
      password: string,
      serverBValue: BigInteger,
      salt: BigInteger,
      callback: (error: Error | null, hkdf: Uint8Array | null) => void,
    ): void;
  }
}

declare module "amazon-cognito-identity-js/lib/DateHelper.js" {
  export default class DateHelper {
    /** Now as "ddd MMM D HH:mm:ss UTC YYYY", Cognito's `TIMESTAMP`. */
    getNowString(): string;
  }
}
