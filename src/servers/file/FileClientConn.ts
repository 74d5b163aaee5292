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
 */
export const RELAY_HIGH_WATER = 1024 * 1024;
export const RELAY_LOW_WATER = 256 * 1024;

/** How long a connection that was told its last word may take to flush it before it is cut. */
const FINISH_GRACE_MS = 5_000;

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
  private finishingSince = 0;

  constructor(transport: Transport, readonly ctx: FileContext) {
    super(transport, { maxPduLength: MAX_CLIENT_PDU, heartbeat: FILE_CLIENT_HEARTBEAT, log: ctx.log });
  }

  protected get handlers(): HandlerTable<this> {
    return this.ctx.clientHandlers as unknown as HandlerTable<this>;
  }

  get authenticated(): boolean {
    return this.task !== undefined;
  }

  get finishing(): boolean {
    return this.finishingSince !== 0;
  }

  /** Nothing a client sends after its last word (or after it was refused) is looked at. */
  protected override dispatch(pdu: Pdu): void {
    if (this.finishing) return;
    super.dispatch(pdu);
  }

  /**
   * Close once what was just queued (a DONE, a failure reply) has left: at the next drain, or the
   * next tick with an empty queue, or after a grace period at the latest.
   */
  finish(now: number): void {
    if (this.closed || this.finishing) return;
    this.finishingSince = now;
    if (this.transport.kind === 'net') this.close(); // node:net's end() flushes before it closes
  }

  override onDrain(): void {
    if (this.finishing) { this.close(); return; }
    this.resumePausedSource();
  }

  override onTick(now: number): void {
    super.onTick(now);
    if (this.closed) return;
    if (this.finishing) {
      if (this.transport.queued(this.id) === 0 || now - this.finishingSince > FINISH_GRACE_MS) this.close();
      return;
    }
    // edge.md §1.8 step 8: the other side of a broken online transfer is closed within a second.
    const t = this.task;
    if (t && t.mode === MODE_ONLINE && t.state === TaskState.Invalid) {
      this.finish(now); // a relayed DONE/CANCEL may still be on its way out
      return;
    }
    this.resumePausedSource();
  }

  /** Relay `frame` to this connection, pausing `source` if we fall behind. */
  relay(frame: Uint8Array, source: FileClientConn): void {
    this.sendRaw(frame);
    if (!this.closed && this.transport.queued(this.id) > RELAY_HIGH_WATER && !this.pausedSource) {
      this.pausedSource = source;
      this.transport.pause(source.id);
    }
  }

  private resumePausedSource(): void {
    const src = this.pausedSource;
    if (!src) return;
    if (this.closed || this.transport.queued(this.id) <= RELAY_LOW_WATER) {
      this.pausedSource = undefined;
      if (!src.closed) this.transport.resume(src.id);
    }
  }

  protected override onClosed(_reason: CloseReason, _errno: number): void {
    this.resumePausedSource();
    const t = this.task;
    this.task = undefined;
    if (t) leaveTask(this.ctx, this, t);
  }
}
