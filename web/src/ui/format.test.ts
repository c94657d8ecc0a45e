import { describe, expect, it } from "vitest";
import { formatRelativeTime } from "./format.ts";

const now = new Date("2026-03-01T12:00:00.000Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("formatRelativeTime", () => {
  it.each([
    ["0 s", ago(0), "now"],
    ["59 s", ago(59 * SECOND), "now"],
    ["1 min", ago(MINUTE), "1 minute ago"],
    ["59 min 59 s", ago(HOUR - SECOND), "59 minutes ago"],
    ["1 h", ago(HOUR), "1 hour ago"],
    ["23 h 59 min", ago(DAY - MINUTE), "23 hours ago"],
    ["1 day", ago(DAY), "yesterday"],
    ["3 days", ago(3 * DAY), "3 days ago"],
    ["15 days", ago(15 * DAY), "2 weeks ago"],
    ["90 days", ago(90 * DAY), "3 months ago"],
    ["800 days", ago(800 * DAY), "2 years ago"],
    ["2 min ahead (a server clock ahead of this one)", ago(-2 * MINUTE), "now"],
  ])("reads %s ago as %j", (_case, iso, text) => {
    // Act
    const formatted = formatRelativeTime(iso, now, "en");

    // Assess
    expect(formatted).toBe(text);
  });

  it("is empty for something that is not a date", () => {
    // Act
    const formatted = formatRelativeTime("not a date", now, "en");

    // Assess
    expect(formatted).toBe("");
  });

  it("speaks the locale it is given", () => {
    // Act
    const formatted = formatRelativeTime(ago(5 * MINUTE), now, "de");

    // Assess
    expect(formatted).toBe("vor 5 Minuten");
  });
});
