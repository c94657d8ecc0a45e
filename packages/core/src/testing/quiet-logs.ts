/**
 * Vitest setup (every test file): the JSON lines that loggers of the code
 * under test write (Powertools: `{"level":…}`) are kept in memory instead of
 * printed, so `npm test` shows test results and a failing test's own output.
 * A test that asserts on log lines uses `captureOutput()`, which sees them as
 * before. `SHOW_APP_LOGS=1 npm test` prints them again.
 */
const appLogPattern = /^\{"level":"[A-Z]+"/;
const keptLines = 2000;

/** The latest application log lines of this test file, newest last. */
export const appLogLines: string[] = [];

type Write = typeof process.stdout.write;

function divert(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as Write;
  stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : undefined;
    if (text !== undefined && appLogPattern.test(text)) {
      appLogLines.push(text);
      if (appLogLines.length > keptLines) appLogLines.splice(0, appLogLines.length - keptLines);
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") queueMicrotask(() => (done as () => void)());
      return true;
    }
    return (write as (...args: unknown[]) => boolean)(chunk, encoding, callback);
  }) as Write;
}

if (process.env.SHOW_APP_LOGS !== "1") {
  // The SDK's one-off notice that Node 20 support ends in 2027: known (CI also runs on Node 22), and not a test's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  divert(process.stdout);
  divert(process.stderr);
}
