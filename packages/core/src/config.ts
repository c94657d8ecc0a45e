import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { ConfigError } from "./errors.ts";

// zod/mini ships without messages ("Invalid input" for every default); classic zod installs English on first use.
// Install the same English messages once, unless a locale is already set, so a check without its own message reads
// the same with either API (the config errors below and the 400 details name the problem, not just "Invalid input").
if (!z.config().localeError) z.config(en());

/**
 * Parses environment-style config once, at cold start. Every problem is
 * reported in one `ConfigError` that names each variable, so a deploy with
 * three missing variables fails once, not three times. Accepts any zod v4
 * schema, classic (`zod`) or `zod/mini`.
 *
 * @example
 * const config = parseConfig(schema, process.env, "bff");
 */
export function parseConfig<S extends z.core.$ZodType>(schema: S, env: Record<string, string | undefined>, part: string): z.core.output<S> {
  const result = z.safeParse(schema, env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join(".") || "(root)";
    const value = issue.path.length > 0 ? env[String(issue.path[0])] : undefined;
    return value === undefined ? `Missing ${name}. Expected: ${issue.message}` : `Invalid ${name}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid ${part} configuration: ${problems.join("; ")}`);
}
