// docker's RAMInBytes (go-units): "64m", "1.5g", "512KiB", "100" → bytes, binary multiples. One
// parser for every size a user writes (-m, --shm-size, RUN --mount size=, log max-size, registry
// limits); each caller words its own error, as docker's callers do.

const SIZE = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/;

/** The size in bytes, or undefined when `s` is not one. */
export function ramInBytes(s: string): number | undefined {
  const m = SIZE.exec(s);
  if (!m) return undefined;
  const power = m[2] ? 'kmgtp'.indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.floor(Number.parseFloat(m[1]!) * 1024 ** power);
}
