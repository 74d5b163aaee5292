import type { Pdu } from '../pdu/Pdu';

/**
 * Handlers are small functions found by command id in one table per server, never a switch.
 * A handler may be async; a rejection is caught by Conn, logged with the command id, and closes
 * nothing but that request.
 */
export type Handler<C> = (conn: C, pdu: Pdu) => void | Promise<void>;

export class HandlerTable<C> {
  /**
   * Indexed by command id (16 bits; the highest in use is ~0x0B0x, so the array stays a few KiB):
   * one bounds-checked load per PDU instead of a Map's hash lookup.
   */
  private readonly byId: (Handler<C> | undefined)[] = [];

  constructor(entries: Iterable<readonly [number, Handler<C>]> = []) {
    for (const [cid, h] of entries) this.on(cid, h);
  }

  on(commandId: number, handler: Handler<C>): this {
    if (!Number.isInteger(commandId) || commandId < 0 || commandId > 0xffff) throw new Error(`command id ${commandId} is not a 16-bit integer`);
    if (this.byId[commandId] !== undefined) throw new Error(`handler for command 0x${commandId.toString(16)} registered twice`);
    while (this.byId.length <= commandId) this.byId.push(undefined);
    this.byId[commandId] = handler;
    return this;
  }

  get(commandId: number): Handler<C> | undefined {
    return this.byId[commandId];
  }

  commands(): number[] {
    const ids: number[] = [];
    this.byId.forEach((h, cid) => { if (h !== undefined) ids.push(cid); });
    return ids;
  }
}
