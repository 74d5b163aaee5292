// The protocol pieces db_proxy uses, in one place (generated classes, command ids, body codec).
export { IM } from '../../pdu/gen/im';
export { Cid } from '../../pdu/commands';
export { decodeBody, encodeBody, has } from '../../pdu/codec';
export type { BodyType } from '../../pdu/BodyType';
