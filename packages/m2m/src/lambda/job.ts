import { linkedEnv } from "@spa-bff/core";
import type { ScheduledEvent } from "aws-lambda";
import { loadM2mConfig } from "../config.ts";
import { createScheduledJob } from "../job/scheduled-job.ts";

// The client secret arrives as an SST link (`M2mClient`), never as plain environment.
const runJob = createScheduledJob(loadM2mConfig({ ...process.env, ...linkedEnv({ M2M_CLIENT_SECRET: ["M2mClient", "secret"] }) }));

/** The scheduled M2M job: reads the items with a machine token and logs a short report. */
export const handler = (event: ScheduledEvent): Promise<{ itemCount: number }> => runJob(event);
