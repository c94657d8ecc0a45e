import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeDevice } from "./device-summary.ts";

/** Real User-Agent strings of current browsers, as they send them. */
const realAgents: Array<[string, string]> = [
  ["Chrome on Linux", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"],
  ["Chrome on Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"],
  [
    "Chrome on Mac",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  ],
  ["Chrome on Android", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"],
  ["Chrome on ChromeOS", "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"],
  [
    "Chrome on iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
  ],
  [
    "Safari on Mac",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  ],
  [
    "Safari on iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  ],
  [
    "Safari on iPad",
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  ],
  ["Firefox on Windows", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"],
  ["Firefox on Linux", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"],
  ["Firefox on Mac", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0"],
  ["Firefox on Android", "Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0"],
  [
    "Firefox on iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15",
  ],
  [
    "Edge on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
  ],
  [
    "Edge on Mac",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
  ],
  [
    "Edge on Android",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 EdgA/126.0.0.0",
  ],
  [
    "Edge on iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/126.2592.56 Mobile/15E148 Safari/605.1.15",
  ],
  [
    "Opera on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
  ],
  [
    "Opera on Android",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 OPR/82.0.0.0",
  ],
  [
    "Samsung Internet on Android",
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
  ],
];

const systems = ["ChromeOS", "Android", "iPhone", "iPad", "iPod", "Windows", "Mac", "Linux"];
const browsers = ["Samsung Internet", "Edge", "Opera", "Firefox", "Chrome", "Safari"];
const vocabulary = new Set([
  "Unknown device",
  ...systems.map((system) => `Unknown browser on ${system}`),
  ...browsers.map((browser) => `${browser} on unknown OS`),
  ...browsers.flatMap((browser) => systems.map((system) => `${browser} on ${system}`)),
]);

describe("describeDevice", () => {
  it.each(realAgents)("names %s from its real User-Agent", (expected, userAgent) => {
    expect(describeDevice(userAgent)).toBe(expected);
  });

  it("calls an iPad in desktop mode a Mac, since it sends a Mac's User-Agent", () => {
    // iPadOS Safari's default ("Request Desktop Website") User-Agent.
    const ipadDesktop =
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";

    expect(describeDevice(ipadDesktop)).toBe("Safari on Mac");
  });

  it("does not take a WebKit browser off Apple systems for Safari", () => {
    // GNOME Web (Epiphany) claims Safari on Linux.
    const epiphany = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";

    expect(describeDevice(epiphany)).toBe("Unknown browser on Linux");
  });

  it("names a known browser on an unknown system", () => {
    expect(describeDevice("Mozilla/5.0 (Fuchsia) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36")).toBe(
      "Chrome on unknown OS",
    );
  });

  it.each([undefined, "", "   ", "curl/8.5.0", "python-requests/2.32.3", "Wget/1.21.4 (linux-gnu)"])(
    "answers Unknown device for %j",
    (userAgent) => {
      expect(describeDevice(userAgent)).toBe("Unknown device");
    },
  );

  it("reads only the first 512 characters", () => {
    const padded = `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) ${"x".repeat(600)} Gecko/20100101 Firefox/127.0`;

    expect(describeDevice(padded)).toBe("Unknown browser on Windows");
    expect(describeDevice(`${"A".repeat(5_000_000)} (X11; Linux x86_64) Chrome/126.0.0.0`)).toBe("Unknown device");
  });

  it("never echoes the header: markup and look-alike text give a vocabulary answer", () => {
    expect(describeDevice('<img src=x onerror="alert(1)"> Chrome/1 (Windows NT 10.0)')).toBe("Chrome on Windows");
    expect(describeDevice("Evil Browser on Trusted Laptop")).toBe("Unknown device");
  });

  it("answers only from its vocabulary, whatever the input (property)", () => {
    const fragments = fc.constantFrom(
      "Chrome/",
      "CriOS/",
      "Safari/",
      "Edg/",
      "OPR/",
      "Firefox/",
      "Android",
      "iPhone",
      "Macintosh",
      "Linux",
      "Windows",
      "CrOS",
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 700 }),
          fc.array(fc.oneof(fragments, fc.string()), { maxLength: 12 }).map((parts) => parts.join(" ")),
        ),
        (userAgent) => {
          expect(vocabulary.has(describeDevice(userAgent))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
