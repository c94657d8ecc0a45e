/**
 * Only the start of a User-Agent is read: every token we look for sits in its
 * first few hundred characters, and the cost stays fixed however long the
 * header is.
 */
const readLength = 512;

type System = "ChromeOS" | "Android" | "iPhone" | "iPad" | "iPod" | "Windows" | "Mac" | "Linux";
type Browser = "Samsung Internet" | "Edge" | "Opera" | "Firefox" | "Chrome" | "Safari";

const apple: readonly System[] = ["Mac", "iPhone", "iPad", "iPod"];

/**
 * First match wins. Android and ChromeOS say "Linux" too, and iOS says
 * "like Mac OS X", so they come before Linux and Mac. iPadOS in desktop mode
 * sends a Mac's User-Agent: it is reported as a Mac, since nothing in the
 * header says otherwise.
 */
const systems: ReadonlyArray<{ name: System; tokens: readonly string[] }> = [
  { name: "ChromeOS", tokens: ["CrOS"] },
  { name: "Android", tokens: ["Android"] },
  { name: "iPhone", tokens: ["iPhone"] },
  { name: "iPad", tokens: ["iPad"] },
  { name: "iPod", tokens: ["iPod"] },
  { name: "Windows", tokens: ["Windows"] },
  { name: "Mac", tokens: ["Macintosh", "Mac OS X"] },
  { name: "Linux", tokens: ["Linux"] },
];

/**
 * First match wins, and the order is the point: Samsung Internet, Edge and
 * Opera also say "Chrome/"; Chrome and every browser on iOS also say
 * "Safari/"; Chrome on iOS says "CriOS/", Firefox on iOS "FxiOS/", Edge
 * "Edg/" (or "EdgA/", "EdgiOS/"), Opera "OPR/". Safari exists only on Apple
 * systems, so a WebKit browser elsewhere that claims "Safari/" (GNOME Web,
 * old Android browsers) stays unknown.
 */
const browsers: ReadonlyArray<{ name: Browser; tokens: readonly string[]; onlyOn?: readonly System[] }> = [
  { name: "Samsung Internet", tokens: ["SamsungBrowser/"] },
  { name: "Edge", tokens: ["Edg/", "EdgA/", "EdgiOS/", "Edge/"] },
  { name: "Opera", tokens: ["OPR/", "OPiOS/", "OPT/", "Opera"] },
  { name: "Firefox", tokens: ["Firefox/", "FxiOS/"] },
  { name: "Chrome", tokens: ["CriOS/", "Chrome/"] },
  { name: "Safari", tokens: ["Safari/"], onlyOn: apple },
];

/**
 * A short, human summary of a User-Agent for the active-sessions list:
 * "Chrome on Linux", "Safari on iPhone", "Unknown browser on Windows",
 * "Firefox on unknown OS", or "Unknown device".
 *
 * The header is attacker-controlled and the SPA shows the result, so the
 * answer is built only from a fixed vocabulary and never carries any of the
 * header's text. Matching is plain substring search over the first 512
 * characters (no regular expression, so no backtracking).
 *
 * @example
 * describeDevice("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36");
 * // "Chrome on Linux"
 */
export function describeDevice(userAgent: string | undefined): string {
  const head = typeof userAgent === "string" ? userAgent.slice(0, readLength) : "";
  const has = (tokens: readonly string[]) => tokens.some((token) => head.includes(token));
  const system = systems.find((candidate) => has(candidate.tokens))?.name;
  const browser = browsers.find(
    (candidate) => has(candidate.tokens) && (candidate.onlyOn === undefined || (system !== undefined && candidate.onlyOn.includes(system))),
  )?.name;
  if (browser === undefined && system === undefined) return "Unknown device";
  if (browser === undefined) return `Unknown browser on ${system}`;
  if (system === undefined) return `${browser} on unknown OS`;
  return `${browser} on ${system}`;
}
