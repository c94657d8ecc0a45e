/** True when a string holds a C0 control character or DEL (NUL, CR, LF, tab…), which no path or id we accept may carry. */
export function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
