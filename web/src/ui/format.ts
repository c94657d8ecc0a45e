const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

/** "21 Nov 2026, 14:32", or the raw text when it is not a date. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** "14:32" today, the full date otherwise. */
export function formatExpiry(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toDateString() === now.toDateString() ? time.format(date) : dateTime.format(date);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** "in 30 minutes", "in 2 hours"; rounded down so it never promises more time than is left. */
export function formatRemaining(iso: string, now: Date = new Date()): string | null {
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms) || ms <= 0) return null;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "in less than a minute";
  if (minutes < 120) return relative.format(minutes, "minute");
  return relative.format(Math.floor(minutes / 60), "hour");
}

const relativeFormats = new Map<string | undefined, Intl.RelativeTimeFormat>();

function relativeFormat(locale: string | undefined): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
    relativeFormats.set(locale, format);
  }
  return format;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago, in words: "now", "5 minutes ago", "3 hours ago", "yesterday",
 * "2 weeks ago". A time a little ahead of this clock (the server's clock runs
 * ahead of the browser's) reads "now" rather than "in 2 minutes". Empty when
 * `iso` is not a date. `locale` is for tests; the page uses the browser's.
 */
export function formatRelativeTime(iso: string, now: Date = new Date(), locale?: string): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return "";
  const format = relativeFormat(locale);
  const ago = now.getTime() - then;
  if (ago < MINUTE) return format.format(0, "second");
  if (ago < HOUR) return format.format(-Math.floor(ago / MINUTE), "minute");
  if (ago < DAY) return format.format(-Math.floor(ago / HOUR), "hour");
  if (ago < 7 * DAY) return format.format(-Math.floor(ago / DAY), "day");
  if (ago < 30 * DAY) return format.format(-Math.floor(ago / (7 * DAY)), "week");
  if (ago < 365 * DAY) return format.format(-Math.floor(ago / (30 * DAY)), "month");
  return format.format(-Math.floor(ago / (365 * DAY)), "year");
}
