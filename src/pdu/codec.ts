import { IM } from './gen/im';
import type { AnyBodyType, BodyType } from './BodyType';
import { bodyTypeName } from './BodyType';
import { commandInfo, CommandInfo } from './commands';
import { HEADER_LENGTH, PduHeader, readHeader } from './header';
import type { Pdu } from './Pdu';
import { PduError } from './PduError';

/**
 * Largest frame decodePdu accepts unless told otherwise: the server-link maximum of
 * protocol.md §1.5 (Rewrite), 64 MiB. Connections enforce their own, smaller, client maximum.
 */
export const DEFAULT_MAX_PDU_LENGTH = 64 * 1024 * 1024;

/** An encoder was handed a message that would not parse on the other side (a bug, not bad input). */
export class BodyEncodeError extends Error {
  constructor(readonly typeName: string, readonly problem: string) {
    super(`cannot encode ${typeName}: ${problem}`);
    this.name = 'BodyEncodeError';
  }
}

/**
 * The three optional enum fields of the schema. protocol.md §3.2: the C++ parser treats an enum
 * value that is not a member as an unknown field, so an optional one simply counts as absent, while
 * a required one makes the whole message fail. protobufjs accepts any number, so the codec applies
 * that rule itself: absent here, and verify() rejects the rest (required enums at any depth).
 * (The C++ parser would also keep the raw value and write it back when re-encoding; protobufjs
 * drops unknown fields, so a relayed message loses it. No known client sends such values.)
 */
const OPTIONAL_ENUMS = new Map<AnyBodyType, ReadonlyArray<readonly [field: string, values: ReadonlySet<number>]>>([
  [IM.Login.IMLoginRes, [['onlineStatus', enumValues(IM.BaseDefine.UserStatType)]]],
  [IM.Login.IMDeviceTokenReq, [['clientType', enumValues(IM.BaseDefine.ClientType)]]],
  [IM.Server.IMFileTransferRsp, [['transMode', enumValues(IM.BaseDefine.TransferFileType)]]],
]);

function enumValues(e: object): ReadonlySet<number> {
  return new Set(Object.values(e).filter((v): v is number => typeof v === 'number'));
}

/**
 * Decode a protobuf body. Anything wrong with it (not protobuf wire format, truncated, a required
 * field missing, a required enum out of range, nesting too deep) is a PduError('bad-protobuf');
 * nothing else is ever thrown. `cid` only labels the error (taken from the Pdu when given one).
 */
export function decodeBody<T extends object>(type: BodyType<T, never>, src: Pdu | Uint8Array, cid?: number): T {
  const bytes = src instanceof Uint8Array ? src : src.body;
  const commandId = cid ?? (src instanceof Uint8Array ? undefined : src.header.commandId);
  let message: T;
  try {
    message = type.decode(bytes);
  } catch (e) {
    throw new PduError('bad-protobuf', `${bodyTypeName(type)}: ${describe(e)}`, commandId);
  }
  const optionalEnums = OPTIONAL_ENUMS.get(type as AnyBodyType);
  if (optionalEnums !== undefined) {
    const fields = message as Record<string, unknown>;
    for (const [field, values] of optionalEnums) {
      if (Object.prototype.hasOwnProperty.call(fields, field) && !values.has(fields[field] as number)) delete fields[field];
    }
  }
  const problem = type.verify(message);
  if (problem !== null) throw new PduError('bad-protobuf', `${bodyTypeName(type)}: ${problem}`, commandId);
  return message;
}

/**
 * Encode a body (fields in field-number order, repeated scalars unpacked: protocol.md §3.2).
 * Refuses, with BodyEncodeError, a message missing a required field or holding a value the peer
 * could not parse: the original sent such partial messages (§9) and clients dropped them.
 */
export function encodeBody<I extends object>(type: BodyType<object, I>, message: I): Buffer {
  const problem = type.verify(message);
  if (problem !== null) throw new BodyEncodeError(bodyTypeName(type), problem);
  const out = type.encode(message).finish();
  // On Node protobufjs's writer already returns a Buffer; keep the type honest either way.
  return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** True when an optional field was present on the wire (decoded messages carry defaults on the prototype). */
export function has<T extends object>(message: T, field: keyof T & string): boolean {
  return Object.prototype.hasOwnProperty.call(message, field);
}

export interface DecodedPdu {
  header: PduHeader;
  /** the body bytes (a view into the frame) */
  body: Uint8Array;
  info: CommandInfo;
  message: object;
}

/**
 * Decode one whole frame (header + body, nothing more) through the command table. For tests and
 * tools; servers frame in Conn and decode bodies with decodeBody in their handlers.
 * Unknown command -> 'unknown-command'; service id other than cid >> 8 -> 'bad-service'
 * (protocol.md §1.2 Rewrite: no known client sends that).
 */
export function decodePdu(frame: Uint8Array, maxLength: number = DEFAULT_MAX_PDU_LENGTH): DecodedPdu {
  const header = readHeader(frame, 0, maxLength);
  if (frame.length < header.length) {
    throw new PduError('short-body', `length ${header.length} but only ${frame.length} bytes`, header.commandId);
  }
  if (frame.length > header.length) {
    throw new PduError('trailing-bytes', `${frame.length - header.length} bytes after the ${header.length}-byte PDU`, header.commandId);
  }
  const info = commandInfo(header.commandId);
  if (info === undefined) throw new PduError('unknown-command', 'not in protocol.md §2', header.commandId);
  if (header.serviceId !== info.serviceId) {
    throw new PduError('bad-service', `service id ${header.serviceId}, expected ${info.serviceId}`, header.commandId);
  }
  const body = frame.subarray(HEADER_LENGTH, header.length);
  return { header, body, info, message: decodeBody(info.bodyType, body, header.commandId) };
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
