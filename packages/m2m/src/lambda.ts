import type { ScheduledEvent } from "aws-lambda";
import { loadM2mConfig } from "./config/load-config.ts";
import { createScheduledJob } from "./job/scheduled-job.ts";

const runJob = createScheduledJob(loadM2mConfig(process.env));

/** The scheduled M2M job: reads the items with a machine token and logs a short report. */
export const handler = (event: ScheduledEvent): Promise<{ itemCount: number }> => runJob(event);
