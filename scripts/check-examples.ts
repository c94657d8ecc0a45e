/**
 * `npm run check:examples`: compiles every ```ts block of the docs, so an
 * example cannot drift from the code it shows (openid-client's
 * check-examples.sh). Each block becomes a module under .cache/examples/ and
 * tsc checks them all with the root tsconfig, so "@spa-bff/*" imports resolve
 * through the workspace exactly as in the packages. Exits non-zero, naming the
 * Markdown file, the block and the line, on any error.
 *
 * Blocks that are not TypeScript programs (sh, json, mermaid) must not be
 * fenced as `ts`; they are skipped by their language tag.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(repoRoot, ".cache", "examples");

interface Example {
  /** Markdown file, relative to the repo root. */
  source: string;
  /** 1-based number of the `ts` block within its file. */
  block: number;
  /** Line of the first code line in the Markdown file. */
  firstLine: number;
  code: string;
  /** Generated module, relative to the repo root. */
  file: string;
}

/** README.md, docs/*.md, packages/*\/README.md and web/README.md, those that exist. */
function markdownFiles(): string[] {
  const files = ["README.md"];
  const listMarkdown = (dir: string) =>
    existsSync(join(repoRoot, dir))
      ? readdirSync(join(repoRoot, dir))
          .filter((name) => name.endsWith(".md"))
          .sort()
          .map((name) => `${dir}/${name}`)
      : [];
  files.push(...listMarkdown("docs"));
  for (const pkg of readdirSync(join(repoRoot, "packages")).sort()) files.push(`packages/${pkg}/README.md`);
  files.push("web/README.md");
  return files.filter((file) => existsSync(join(repoRoot, file)));
}

/** The ```ts / ```typescript blocks of one Markdown file, with where each starts. */
function extractTsBlocks(markdown: string): Array<{ firstLine: number; code: string }> {
  const blocks: Array<{ firstLine: number; code: string }> = [];
  const lines = markdown.split(/\r?\n/);
  let open: { fence: string; ts: boolean; firstLine: number; lines: string[] } | undefined;
  for (const [index, line] of lines.entries()) {
    if (open === undefined) {
      const start = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
      if (start) {
        const fence = start[2] ?? "```";
        const lang = (start[3] ?? "").toLowerCase();
        open = { fence, ts: lang === "ts" || lang === "typescript", firstLine: index + 2, lines: [] };
      }
      continue;
    }
    if (line.trim().startsWith(open.fence) && line.trim().replace(/[`~]/g, "") === "") {
      if (open.ts) blocks.push({ firstLine: open.firstLine, code: open.lines.join("\n") });
      open = undefined;
      continue;
    }
    open.lines.push(line);
  }
  return blocks;
}

function collectExamples(): Example[] {
  const examples: Example[] = [];
  for (const source of markdownFiles()) {
    const blocks = extractTsBlocks(readFileSync(join(repoRoot, source), "utf8"));
    const slug = source.replace(/\.md$/i, "").replace(/[^A-Za-z0-9]+/g, "-");
    for (const [index, block] of blocks.entries()) {
      const file = relative(repoRoot, join(outDir, `${slug}-${index + 1}.ts`));
      examples.push({ source, block: index + 1, firstLine: block.firstLine, code: block.code, file });
    }
  }
  return examples;
}

function writeExamples(examples: readonly Example[]): void {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const example of examples) {
    // `export {}` keeps each block a module (top-level await, no global collisions) without moving its lines.
    writeFileSync(join(repoRoot, example.file), `${example.code}\nexport {};\n`);
  }
  const tsconfig = {
    extends: "../../tsconfig.json",
    // A snippet shows a call; its result is often left unused on purpose. Everything else stays as strict as the code.
    compilerOptions: { noUnusedLocals: false, noUnusedParameters: false },
    // The packages' ambient declarations (untyped modules) are part of the root project, so they are part of this one.
    include: ["./*.ts", "../../packages/*/src/**/*.d.ts"],
  };
  writeFileSync(join(outDir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

/** Runs tsc; answers its diagnostics (empty when the examples compile). */
function compile(): string {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join(outDir, "tsconfig.json"), "--pretty", "false"], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return "";
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ""}${stderr ?? ""}`.trim() || String(error);
  }
}

/** Rewrites `.cache/examples/x-1.ts(3,5): error …` to name the Markdown file, block and line. */
function describeDiagnostics(output: string, examples: readonly Example[]): string[] {
  const byFile = new Map(examples.map((example) => [example.file, example]));
  return output.split(/\r?\n/).map((line) => {
    const match = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
    const example = match ? byFile.get(relative(repoRoot, resolve(repoRoot, match[1] ?? ""))) : undefined;
    if (!match || !example) return line;
    const mdLine = example.firstLine + Number(match[2]) - 1;
    return `${example.source}:${mdLine}:${match[3]} (ts block ${example.block}): ${match[4]}`;
  });
}

const examples = collectExamples();
writeExamples(examples);
if (examples.length === 0) {
  console.log("check:examples: no ts blocks found");
} else {
  const output = compile();
  if (output !== "") {
    console.error(describeDiagnostics(output, examples).join("\n"));
    console.error(`\ncheck:examples: the examples above do not compile (${examples.length} blocks checked)`);
    process.exitCode = 1;
  } else {
    const sources = new Set(examples.map((example) => example.source));
    console.log(`check:examples: ${examples.length} ts blocks in ${sources.size} files compile`);
  }
}
