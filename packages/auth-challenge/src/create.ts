import { loadAuthChallengeConfig } from "./config.ts";
import { createCreateAuthChallenge } from "./create/create-auth-challenge.ts";
import { createSesCodeSender } from "./senders/ses-code-sender.ts";
import { createSesV2HttpTransport } from "./senders/ses-v2-transport.ts";

const config = loadAuthChallengeConfig(process.env);

/** Lambda entry of the Create Auth Challenge trigger: codes by email through SES. */
export const handler = createCreateAuthChallenge({
  sender: createSesCodeSender({
    from: config.senderEmail,
    transport: createSesV2HttpTransport({ region: config.region }),
    ...(config.configurationSetName ? { configurationSetName: config.configurationSetName } : {}),
  }),
});
