import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { MsfsContext } from './MsfsContext';

/** What a download serves: bytes in memory, or (large files) a file streamed from disk. */
export type Found =
  | { kind: 'bytes'; data: Buffer; ext: string }
  | { kind: 'file'; abs: string; size: number; ext: string };

/** `<stored name>_<W>x<H>.<ext>`: a size variant some clients append to a stored URL (edge.md §2.9). */
const VARIANT = /^(.+)_(\d{1,4})x(\d{1,4})\.([A-Za-z0-9]{1,15})$/;

/** Larger sources are served as they are rather than decoded (memory, CPU). */
const MAX_RESIZE_SOURCE = 16 * 1024 * 1024;

function extOf(p: string): string {
  const base = path.posix.basename(p);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot + 1);
}

/** A stored file by its path below the group segment (`000/001/name`), cache first. */
async function loadStored(ctx: MsfsContext, rel: string): Promise<Found | undefined> {
  const cached = ctx.cache.get(rel);
  if (cached !== undefined) return { kind: 'bytes', data: cached, ext: extOf(rel) };
  const abs = await ctx.store.resolve(rel);
  if (abs === undefined) return undefined;
  const st = await fsp.stat(abs);
  if (st.size > ctx.cache.maxEntryBytes) return { kind: 'file', abs, size: st.size, ext: extOf(rel) };
  const data = await fsp.readFile(abs);
  ctx.cache.set(rel, data);
  return { kind: 'bytes', data, ext: extOf(rel) };
}

/**
 * The file for a download path, or undefined (404).
 *
 * Rewrite (edge.md §2.9): when `<stored>_<W>x<H>.<ext>` does not exist but `<stored>` does, serve
 * `<stored>` scaled to W×H, cached under the variant's path; when it cannot be scaled (not an
 * image, or W/H out of bounds) serve `<stored>` itself, which clients display just the same.
 */
export async function lookup(ctx: MsfsContext, rel: string): Promise<Found | undefined> {
  const direct = await loadStored(ctx, rel);
  if (direct !== undefined) return direct;

  const dir = path.posix.dirname(rel);
  const m = VARIANT.exec(path.posix.basename(rel));
  if (m === null || dir === '.') return undefined;
  const [, baseName, w, h, ext] = m as unknown as [string, string, string, string, string];
  const source = await loadStored(ctx, `${dir}/${baseName}`);
  if (source === undefined) return undefined;
  const width = Number(w);
  const height = Number(h);
  if (!ctx.thumbs.acceptable(width, height, ext) || (source.kind === 'file' && source.size > MAX_RESIZE_SOURCE)) return source;
  const data = source.kind === 'bytes' ? source.data : await fsp.readFile(source.abs);
  const resized = await ctx.thumbs.resize(rel, data, width, height, ext);
  if (resized === undefined) return source;
  ctx.cache.set(rel, resized);
  return { kind: 'bytes', data: resized, ext };
}
