import sharp from 'sharp';
import type { Logger } from '../../util/log';

/** Output formats sharp writes, by the extension a client asks for. */
const FORMAT: Record<string, 'jpeg' | 'png' | 'gif' | 'webp'> = {
  jpg: 'jpeg', jpeg: 'jpeg', png: 'png', gif: 'gif', webp: 'webp',
};

/**
 * Size variants (edge.md §2.9, Rewrite): clients ask for `<stored path>_<W>x<H>.<ext>` (avatars at
 * 32/50/64/100/170/200 px); the original only had 404 for them. We scale the stored image to cover
 * W×H (cropped to the centre, never enlarged) in the asked-for format. A source sharp cannot decode
 * or an extension that is not an image format gives undefined: the caller serves the original.
 *
 * At most `maxConcurrent` resizes run at once and identical requests share one resize, so a burst
 * of avatar fetches cannot monopolise the (shared, two-core) CPU.
 */
export class Thumbnailer {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly inFlight = new Map<string, Promise<Buffer | undefined>>();

  constructor(readonly maxSide: number, private readonly log: Logger, private readonly maxConcurrent = 2) {
    sharp.cache(false); // our FileCache keeps the results; libvips' own cache would double memory
  }

  static formatFor(ext: string): string | undefined {
    return FORMAT[ext.toLowerCase()];
  }

  acceptable(width: number, height: number, ext: string): boolean {
    return width >= 1 && height >= 1 && width <= this.maxSide && height <= this.maxSide && Thumbnailer.formatFor(ext) !== undefined;
  }

  resize(key: string, source: Buffer, width: number, height: number, ext: string): Promise<Buffer | undefined> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const p = this.run(source, width, height, ext).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private async run(source: Buffer, width: number, height: number, ext: string): Promise<Buffer | undefined> {
    const format = FORMAT[ext.toLowerCase()];
    if (format === undefined) return undefined;
    await this.acquire();
    try {
      return await sharp(source, { limitInputPixels: 64 * 1024 * 1024, animated: false })
        .rotate() // honour EXIF orientation, as phones write it
        .resize(width, height, { fit: 'cover', withoutEnlargement: true })
        .toFormat(format)
        .toBuffer();
    } catch (err) {
      this.log.info({ err: (err as Error).message }, 'thumbnail: source is not a decodable image; serving the original');
      return undefined;
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.maxConcurrent) { this.running++; return Promise.resolve(); }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); else this.running--;
  }
}
