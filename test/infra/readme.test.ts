/**
 * The README's deploy and `sst dev` guide, held to what the stacks do: the
 * settings it documents are the ones a deploy reads, the URL it says to open
 * is the one `sst dev` serves and registers, and the API host it explains
 * is the one the functions get.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { envOf, lambda, resource } from "./checks/helpers.ts";
import { repoRoot, type SynthResult, synth } from "./harness/index.ts";

const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
const guide = readme.slice(readme.indexOf("## Deploy to AWS"), readme.indexOf("### What it costs"));

let live: SynthResult;

beforeAll(async () => {
  live = await synth({ stage: "alice", dev: true });
});

describe("the README's deploy and sst dev guide", () => {
  it("documents exactly the settings a deploy reads, each of which an invalid value makes the deploy refuse by name", async () => {
    // Prepare
    const documented = [...new Set([...guide.matchAll(/sst secret set (\w+)/g)].map((m) => m[1] ?? ""))].sort();
    const table = [...guide.matchAll(/^\| `(\w+)` +\|/gm)].map((m) => m[1] ?? "").filter((name) => /^[A-Z]/.test(name));

    // Act: one after the other, as the runs share one Pulumi runtime.
    const refusals: string[] = [];
    for (const name of documented) {
      const run = synth({ stage: "readme", secrets: { [name]: "not a valid value" }, timeoutMs: 60_000 });
      refusals.push(
        await run.then(
          () => "accepted",
          (error: Error) => error.message,
        ),
      );
    }

    // Assess
    expect(documented).toEqual(["LoginMode", "SenderEmail", "SharedVpcId", "SiteDomain"]);
    expect([...table].sort()).toEqual(documented);
    documented.forEach((name, index) => {
      expect(refusals[index]).toContain(`Invalid ${name} "not a valid value" for stage "readme"`);
    });
  });

  it("sends the developer to the URL sst dev serves, registers and proxies", () => {
    // Assess
    const url = String(live.outputs.devServer);
    expect(url).toBe("http://localhost:5173");
    expect(guide).toContain(`Open \`${url}\``);
    const client = resource(live.resources, "aws:cognito/userPoolClient:UserPoolClient", "WebClientClient");
    expect(client.inputs.callbackUrls).toContain(`${url}/auth/callback`);
    expect(guide).toContain(`${url}/auth/callback`);
    expect(envOf(lambda(live, "BffAuth")).APP_ORIGIN).toBe(url);
    expect(guide).toContain(`APP_ORIGIN=${url}`);
  });

  it("explains the API host the functions get under sst dev: the endpoint's alias, not the API's own name", () => {
    // Assess
    const host = envOf(lambda(live, "BffApi")).API_BASE_URL;
    expect(host).toMatch(/^https:\/\/[\w-]+-vpce-\w+\.execute-api\.eu-west-1\.amazonaws\.com\/alice\/$/);
    expect(guide).toContain("https://<api-id>-<vpce-id>.execute-api.<region>.amazonaws.com/<stage>/");
    expect(host).not.toBe(live.outputs.api);
  });
});
