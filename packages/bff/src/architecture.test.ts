/**
 * The wiring rules of this package, checked on the source: no import cycle
 * between its files, and routes that receive their services instead of
 * building them (no route imports the composition root, the config, or an
 * adapter's builder).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "testing" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !/\.test(-d)?\.ts$|\.d\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Relative imports of a file (static, dynamic and type-only), as absolute paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:from|import\(?)\s*"(\.{1,2}\/[^"]+)"/g)].map((match) => match[1] as string);
  return specifiers.map((specifier) => resolve(dirname(file), specifier));
}

const files = sourceFiles(root);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const name = (file: string) => relative(root, file);

describe("packages/bff wiring", () => {
  it("has no import cycle between its files", () => {
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...path.slice(path.indexOf(file)), file].map(name).join(" -> "));
        return;
      }
      state.set(file, "visiting");
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of files) visit(file, []);
    expect(files.length).toBeGreaterThan(50);
    expect(cycles).toEqual([]);
  });

  it("gives routes their services: no route imports the composition root, the config or an adapter builder", () => {
    const forbidden = [
      /\/app\//,
      /\/config\.ts$/,
      /\/session\/(dynamo-session-store|kms-key-provider|local-key-provider|kms-sdk|sealer|sessions)\.ts$/,
      /\/files\/(create-files|sts-credentials|file-storage|config)\.ts$/,
      /\/signin\/(index|cognito-signin-client|rate-limiter|signin-service)\.ts$/,
      /\/auth\/oidc-client\.ts$/,
      /\/proxy\/upstream\.ts$/,
    ];
    const routes = files.filter((file) => name(file).startsWith("routes/"));
    const offending = routes.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => /^import (?!type )/.test(line))
        .flatMap((line) => {
          const specifier = /from "(\.{1,2}\/[^"]+)"/.exec(line)?.[1];
          const target = specifier ? resolve(dirname(file), specifier) : undefined;
          return target && forbidden.some((pattern) => pattern.test(target)) ? [`${name(file)} imports ${name(target)}`] : [];
        }),
    );
    expect(routes.length).toBeGreaterThan(5);
    expect(offending).toEqual([]);
  });
});
