import type { IConversionOptions, Reader, Writer } from 'protobufjs';

/**
 * What the codec needs from a generated protobufjs static class (`IM.Login.IMLoginReq` and the
 * other 109): `T` is the decoded class, `I` the plain-object interface `encode` accepts
 * (`IM.Login.IIMLoginReq`). Declared with method syntax on purpose: the generated signatures
 * differ per class and are accepted here bivariantly.
 */
export interface BodyType<T extends object = object, I = T> {
  encode(message: I, writer?: Writer): Writer;
  decode(reader: Reader | Uint8Array, length?: number): T;
  /** null when valid, otherwise the first problem ("clientType: enum value expected"). */
  verify(message: object): string | null;
  toObject(message: T, options?: IConversionOptions): { [k: string]: unknown };
  /** "<prefix>/IM.Login.IMLoginReq" */
  getTypeUrl(prefix?: string): string;
}

/** Any body type, for tables that hold many of them. */
export type AnyBodyType = BodyType<object, never>;

/** "IM.Login.IMLoginReq" for a generated class. */
export function bodyTypeName(type: { getTypeUrl(prefix?: string): string }): string {
  const url = type.getTypeUrl('');
  return url.slice(url.lastIndexOf('/') + 1);
}
