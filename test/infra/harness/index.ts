export type { CallMock, MockAccount, MockResource } from "./mocks.ts";
export { sharedVpcCalls } from "./mocks.ts";
export type { IamPolicy, IamStatement } from "./policy-document.ts";
export { asList, parsePolicy } from "./policy-document.ts";
export type { CopyOptions, ProjectEdit } from "./project-copy.ts";
export { copyProject, declarationFiles, infraFiles, removeProject } from "./project-copy.ts";
export type { SynthOptions, SynthResult } from "./synth.ts";
export { repoRoot, synth } from "./synth.ts";

import type { MockResource } from "./mocks.ts";

/** Resources of one Pulumi type. */
export function ofType(resources: MockResource[], type: string): MockResource[] {
  return resources.filter((resource) => resource.type === type);
}

/** The one resource of a type and logical name; throws naming what exists otherwise. */
export function resource(resources: MockResource[], type: string, name: string): MockResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (!found)
    throw new Error(
      `No ${type} named "${name}". Have: ${ofType(resources, type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  return found;
}
