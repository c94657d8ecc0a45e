import type { z } from "zod";
import { ConfigError } from "./errors.ts";

/**
 * Parses environment-style config once, at cold start. Every problem is
 * reported in one `ConfigError` that names each variable, so a deploy with
 * three missing variables fails once, not three times.
 *
 * @example
 * const config = parseConfig(schema, process.env, "bff");
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, part: string): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join(".") || "(root)";
    const value = issue.path.length > 0 ? env[String(issue.path[0])] : undefined;
    return value === undefined ? `Missing ${name}. Expected: ${issue.message}` : `Invalid ${name}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid ${part} configuration: ${problems.join("; ")}`);
}
