import { Cid } from '../../../src/pdu/commands';
import { IM } from '../../../src/pdu/gen/im';
import { decodeBody } from '../../../src/pdu/codec';
import type { LinkClient } from './LinkClient';
import { nextSeq } from './LinkClient';

export interface Sent {
  from: number;
  to: number;
  content: string;
  msgId: number;
}

/**
 * Steady one-to-one message traffic on one link: one message at a time (like a user typing
 * fast), each answered before the next. Records what db_proxy acknowledged.
 */
export class Traffic {
  readonly acked: Sent[] = [];
  failed = 0;
  timeouts = 0;
  private running = true;
  private done: Promise<void>;

  constructor(private readonly link: LinkClient, private readonly from: number, private readonly to: number, private readonly tag: string, private readonly pauseMs = 5) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    let n = 0;
    while (this.running) {
      const content = `${this.tag}-${this.from}-${this.to}-${n++}`;
      const seq = nextSeq();
      const p = this.link.wait(Cid.CID_MSG_DATA, seq, 15_000);
      this.link.send(Cid.CID_MSG_DATA, IM.Message.IMMsgData, {
        fromUserId: this.from, toSessionId: this.to, msgId: 0, createTime: Math.floor(Date.now() / 1000), msgType: 1, msgData: Buffer.from(content),
      }, seq);
      try {
        const rsp = decodeBody(IM.Message.IMMsgData, (await p).body);
        if (rsp.msgId > 0) this.acked.push({ from: this.from, to: this.to, content, msgId: rsp.msgId });
        else this.failed++;
      } catch {
        this.timeouts++;
      }
      if (this.pauseMs) await new Promise((r) => setTimeout(r, this.pauseMs));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}
