import { describe, expect, it } from "vitest";
import { createMailboxCodeSender } from "./mailbox-code-sender.ts";

const message = { to: "alice@example.com", username: "alice", code: "042917", expiresAt: Date.UTC(2026, 0, 1, 12, 5, 0) };

describe("local mailbox sender", () => {
  it("keeps the latest message per user, case-insensitively, and prints a line for the developer", async () => {
    // Prepare
    const printed: string[] = [];
    const mailbox = createMailboxCodeSender({ print: (line) => printed.push(line), now: () => 7 });
    // Act
    await mailbox.send(message);
    await mailbox.send({ ...message, to: "bob@example.com", username: "bob", code: "111111" });
    await mailbox.send({ ...message, code: "222222" });
    // Assess
    expect(mailbox.latest("ALICE")).toMatchObject({ code: "222222", sentAt: 7, subject: "Your sign-in code" });
    expect(mailbox.latest("bob")?.code).toBe("111111");
    expect(mailbox.latest("carol")).toBeUndefined();
    expect(printed).toEqual([
      "[mailbox] sign-in code for alice <alice@example.com>: 042917",
      "[mailbox] sign-in code for bob <bob@example.com>: 111111",
      "[mailbox] sign-in code for alice <alice@example.com>: 222222",
    ]);
  });

  it("drops the oldest messages beyond its capacity", async () => {
    // Prepare
    const mailbox = createMailboxCodeSender({ capacity: 2 });
    // Act
    for (const code of ["000001", "000002", "000003"]) await mailbox.send({ ...message, code });
    // Assess
    expect(mailbox.all().map((m) => m.code)).toEqual(["000002", "000003"]);
    mailbox.clear();
    expect(mailbox.all()).toEqual([]);
  });
});
