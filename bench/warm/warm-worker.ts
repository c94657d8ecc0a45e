/**
 * Runs the warm-path measurements in a process of its own, so "requests per
 * second on one core" is the BFF's core alone: dynalite, the IdP and the
 * upstream stay in the parent. Usage: tsx bench/warm/warm-worker.ts <input.json> <output.json>
 */
import { readFile, writeFile } from "node:fs/promises";
import { type AuthorizerWarmInput, measureAuthorizerWarm } from "./measure-authorizer-warm.ts";
import { type BffWarmInput, measureBffWarm } from "./measure-bff-warm.ts";

export interface WarmWorkerInput {
  bff: BffWarmInput;
  authorizer: AuthorizerWarmInput;
}

const [inputFile, outputFile] = process.argv.slice(2);
if (!inputFile || !outputFile) throw new Error("usage: warm-worker.ts <input.json> <output.json>");
const input = JSON.parse(await readFile(inputFile, "utf8")) as WarmWorkerInput;
const authorizer = await measureAuthorizerWarm(input.authorizer);
const bff = await measureBffWarm(input.bff);
await writeFile(outputFile, JSON.stringify({ bff, authorizer }));
