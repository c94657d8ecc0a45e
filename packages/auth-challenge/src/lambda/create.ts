import { SESv2Client } from "@aws-sdk/client-sesv2";
import { loadAuthChallengeConfig } from "../config.ts";
import { createCreateAuthChallenge } from "../create/create-auth-challenge.ts";
import { createSesCodeSender } from "../senders/ses-code-sender.ts";

const config = loadAuthChallengeConfig(process.env);

/** Lambda entry of the Create Auth Challenge trigger: codes by email through SES. */
export const handler = createCreateAuthChallenge({
  sender: createSesCodeSender({
    from: config.senderEmail,
    client: new SESv2Client({ region: config.region }),
    ...(config.configurationSetName ? { configurationSetName: config.configurationSetName } : {}),
  }),
});
