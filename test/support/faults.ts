/** Every unhandled rejection while a suite runs; a fault must never leave one behind. */
export function watchUnhandledRejections(): { reasons: unknown[]; dispose(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on("unhandledRejection", listener);
  return { reasons, dispose: () => process.off("unhandledRejection", listener) };
}
