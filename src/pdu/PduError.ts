/** Why a frame or a body could not be decoded. Every decoder throws this and nothing else. */
export type PduErrorReason =
  | 'short-header'      // fewer than 16 bytes where a header was expected
  | 'length-too-small'  // length field < 16 (original: undefined behaviour, protocol.md §1.5)
  | 'length-too-large'  // length field over the port's configured maximum
  | 'short-body'        // decodePdu: the frame ends before `length` bytes
  | 'trailing-bytes'    // decodePdu: bytes after the `length` bytes of a single frame
  | 'bad-protobuf'      // body is not valid protobuf wire format or misses a required field
  | 'unknown-command'   // command id not in the command table
  | 'bad-service'       // service id != command id >> 8
  | 'bad-attach'        // attach_data of the wrong size
  | 'bad-crypto';       // AES payload that is not valid base64 / block aligned

export class PduError extends Error {
  readonly reason: PduErrorReason;
  readonly commandId: number | undefined;

  constructor(reason: PduErrorReason, message: string, commandId?: number) {
    super(commandId === undefined ? `${reason}: ${message}` : `${reason} (cid 0x${commandId.toString(16).padStart(4, '0')}): ${message}`);
    this.name = 'PduError';
    this.reason = reason;
    this.commandId = commandId;
  }
}
