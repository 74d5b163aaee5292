import type { Pdu } from '../pdu/Pdu';

/**
 * Handlers are small functions found by command id in one table per server, never a switch.
 * A handler may be async; a rejection is caught by Conn, logged with the command id, and closes
 * nothing but that request.
 */
export type Handler<C> = (conn: C, pdu: Pdu) => void | Promise<void>;

export class HandlerTable<C> {
  private readonly map = new Map<number, Handler<C>>();

  constructor(entries: Iterable<readonly [number, Handler<C>]> = []) {
    for (const [cid, h] of entries) this.on(cid, h);
  }

  on(commandId: number, handler: Handler<C>): this {
    if (this.map.has(commandId)) throw new Error(`handler for command 0x${commandId.toString(16)} registered twice`);
    this.map.set(commandId, handler);
    return this;
  }

  get(commandId: number): Handler<C> | undefined {
    return this.map.get(commandId);
  }

  commands(): number[] {
    return [...this.map.keys()];
  }
}
