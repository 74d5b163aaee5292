/**
 * A configuration problem: the file, the key (when one is to blame) and what is wrong. The
 * server's CLI prints `message` and exits with code 2, so the message must stand on its own.
 */
export class ConfError extends Error {
  override readonly name = 'ConfError';

  constructor(
    readonly file: string,
    readonly key: string | undefined,
    readonly problem: string,
  ) {
    super(key === undefined ? `${file}: ${problem}` : `${file}: ${key}: ${problem}`);
  }
}
