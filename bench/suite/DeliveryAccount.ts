import { countMissing, Ranges, rangesSize } from './IntSet';
import type { WorkerReport } from './types';

export interface DeliveryAccount {
  sent: number;
  acked: number;
  /** sent but never acked: msg_server dropped it or db_proxy did not store it */
  lost: number;
  /** (message, recipient) pairs that should have arrived because the message was acked */
  expectedDeliveries: number;
  delivered: number;
  /** acked (so stored) but never delivered to a recipient that was online throughout */
  ackedNotDelivered: number;
  /** arrived although the sender never saw its ack (the ack itself went missing) */
  deliveredNotAcked: number;
  /** for the mixed scenario: one-to-one senders whose peer sat on another msg_server */
  crossServerSenders: number;
  singleSenders: number;
}

/**
 * The books of all workers put side by side: for every acked message, did it reach every
 * recipient? Recipients are the peer (one-to-one) or every group member but the sender; all of
 * them were logged in before the first message left, so anything missing is a real loss.
 */
export function accountDeliveries(reports: WorkerReport[]): DeliveryAccount {
  const received = new Map<string, Ranges>();
  const userServer = new Map<string, string>();
  for (const r of reports) {
    for (const x of r.received) received.set(`${x.to}:${x.from}`, x.ranges);
    for (const [u, s] of Object.entries(r.userServer)) userServer.set(u, s);
  }
  const members = new Map<number, number[]>();
  for (const r of reports) for (const g of r.groups) members.set(g.gid, g.memberUids);

  const a: DeliveryAccount = {
    sent: 0, acked: 0, lost: 0, expectedDeliveries: 0, delivered: 0, ackedNotDelivered: 0, deliveredNotAcked: 0,
    crossServerSenders: 0, singleSenders: 0,
  };
  for (const r of reports) {
    for (const s of r.acked) {
      const ackedN = rangesSize(s.ranges);
      a.sent += s.sent;
      a.acked += ackedN;
      a.lost += s.sent - ackedN;
      const recipients = s.group ? (members.get(s.session) ?? []).filter((m) => m !== s.from) : [s.session];
      if (!s.group) {
        a.singleSenders++;
        const mine = userServer.get(String(s.from));
        const theirs = userServer.get(String(s.session));
        if (mine !== undefined && theirs !== undefined && mine !== theirs) a.crossServerSenders++;
      }
      for (const to of recipients) {
        const got = received.get(`${to}:${s.from}`) ?? [];
        a.expectedDeliveries += ackedN;
        a.ackedNotDelivered += countMissing(s.ranges, got);
        a.deliveredNotAcked += countMissing(got, s.ranges);
        a.delivered += rangesSize(got);
      }
    }
  }
  return a;
}
