import { Conn, HeartbeatPolicy, MAX_CLIENT_PDU } from '../../net/Conn';
import type { HandlerTable } from '../../net/HandlerTable';
import type { CloseReason, Transport } from '../../net/Transport';
import type { Pdu } from '../../pdu/Pdu';
import type { FileContext } from './FileContext';
import { leaveTask } from './leaveTask';
import { MODE_ONLINE, TaskState, TransferTask } from './TransferTask';

/** edge.md §1.3: a file client is dropped after 120 s without a received byte; we never ping it. */
export const FILE_CLIENT_HEARTBEAT: HeartbeatPolicy = { sendAfterMs: 0, timeoutMs: 120_000 };

/**
 * Online relay back-pressure (edge.md §1.15 Rewrite): when a connection's output queue passes the
 * high-water mark, the connection feeding it is paused until the queue drains below the low one.
 * Paused means both: the transport stops reading the source, and the frames of the current read
 * that are not relayed yet wait on the source (see hold()). A transport hands over a whole read at
 * once (node:net up to 64 KiB, the native addon up to 256 KiB per socket and batch), so pausing
 * the socket alone would still push the rest of that read onto the full queue.
 */
export const RELAY_HIGH_WATER = 1024 * 1024;
export const RELAY_LOW_WATER = 256 * 1024;

/**
 * One file client's connection (port 8600). One connection serves one task: after a successful
 * login it is bound to the task, the user and the role for good.
 */
export class FileClientConn extends Conn {
  task: TransferTask | undefined;
  userId = 0;
  role = 0;
  /** A disk read or write for this connection is in flight; a client may not pipeline past it. */
  busy = false;
  /** The connection this one paused because our output queue was too full. */
  pausedSource: FileClientConn | undefined;
  /** Set while a receiver has paused us: frames read but not dispatched yet, in arrival order. */
  private held: Pdu[] | undefined;

  constructor(transport: Transport, readonly ctx: FileContext) {
    super(transport, { maxPduLength: MAX_CLIENT_PDU, heartbeat: FILE_CLIENT_HEARTBEAT, log: ctx.log });
  }

  protected get handlers(): HandlerTable<this> {
    return this.ctx.clientHandlers as unknown as HandlerTable<this>;
  }

  get authenticated(): boolean {
    return this.task !== undefined;
  }

  /**
   * Frames of a paused source wait until the receiver has room: dispatching them would put them
   * on the receiver's queue regardless of the pause.
   */
  protected override dispatch(pdu: Pdu): void {
    if (this.held) { this.held.push(pdu); return; }
    super.dispatch(pdu);
  }

  /**
   * Close after what was just queued (a DONE, a failure reply). Both transports' close() flush the
   * queue first (lingering up to 2 s for a peer that does not read), so this is simply close().
   * It used to wait for a drain event on the native transport, which only comes for a queue the
   * kernel refused, so a short last word held the connection until the next tick.
   */
  finish(_now: number): void {
    this.close();
  }

  override onDrain(): void {
    this.resumePausedSource();
  }

  override onTick(now: number): void {
    super.onTick(now);
    if (this.closed) return;
    // edge.md §1.8 step 8: the other side of a broken online transfer is closed within a second.
    const t = this.task;
    if (t && t.mode === MODE_ONLINE && t.state === TaskState.Invalid) {
      this.finish(now); // a relayed DONE/CANCEL still leaves: close() flushes
      return;
    }
    this.resumePausedSource();
  }

  /** Relay `frame` to this connection, pausing `source` if we fall behind. */
  relay(frame: Uint8Array, source: FileClientConn): void {
    this.sendRaw(frame);
    if (!this.closed && this.transport.queued(this.id) > RELAY_HIGH_WATER && !this.pausedSource) {
      this.pausedSource = source;
      source.hold();
    }
  }

  /** Stop reading and stop dispatching what was already read (the rest of this read included). */
  private hold(): void {
    this.held ??= [];
    if (!this.closed) this.transport.pause(this.id);
  }

  /**
   * Dispatch what was held, in order, then read again. A held frame may fill the receiver up
   * again and hold us anew: then the rest stays held (in order) and reading stays paused.
   * With `discard` (the receiver is gone) the held frames have nobody to go to and are dropped.
   */
  private release(discard: boolean): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    while (!discard && held.length > 0 && !this.closed) {
      super.dispatch(held.shift()!);
      // The dispatch may have held us again (TypeScript cannot see that through the call).
      const again = this.held as Pdu[] | undefined;
      if (again) { again.unshift(...held); return; }
    }
    if (!this.closed) this.transport.resume(this.id);
  }

  private resumePausedSource(): void {
    const src = this.pausedSource;
    if (!src) return;
    if (this.closed || this.transport.queued(this.id) <= RELAY_LOW_WATER) {
      this.pausedSource = undefined;
      src.release(this.closed);
    }
  }

  protected override onClosed(_reason: CloseReason, _errno: number): void {
    this.held = undefined; // nobody is left to hand these to: the task breaks below
    this.resumePausedSource();
    const t = this.task;
    this.task = undefined;
    if (t) leaveTask(this.ctx, this, t);
  }
}
