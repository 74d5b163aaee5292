import type { Notification } from './Notification';

/** The sound the original asked iOS to play for a normal push (edge.md §4.6). */
export const APNS_SOUND = 'bingbong.aiff';
/** APNs over HTTP/2 accepts payloads of up to 4 KiB (the legacy binary API: 256 bytes). */
export const APNS_MAX_PAYLOAD = 4096;

export interface ApnsPayload {
  aps: { alert?: { body: string }; badge: number; sound?: string };
  custom: string;
}

/**
 * The payload of edge.md §4.6, unchanged so the iOS client reads it as before: a normal push carries
 * alert body, badge and sound; a silent one the badge only. `custom` is msg_server's data text.
 * Keys are in sorted order like the original's jsonxx output; JSON is compact (the original's
 * pretty-printing only wasted the 256-byte budget).
 */
export function apnsPayload(n: Notification): ApnsPayload {
  const aps: ApnsPayload['aps'] = n.silent
    ? { badge: n.badge }
    : { alert: { body: n.flash }, badge: n.badge, sound: APNS_SOUND };
  return { aps, custom: n.data };
}

/** HTTP/2 request headers for one notification (besides :method, :path and authorization). */
export function apnsHeaders(n: Notification, topic: string, nowSeconds: number): Record<string, string> {
  return {
    'apns-topic': topic,
    // A badge-only notification is still of type "alert" for Apple; it is not a background push.
    'apns-push-type': 'alert',
    // Silent ones may be delivered at the device's convenience.
    'apns-priority': n.silent ? '5' : '10',
    // edge.md §4.5: the original's frames expired an hour after sending.
    'apns-expiration': String(nowSeconds + 3600),
    'content-type': 'application/json',
  };
}

/** Device tokens are hex: 64 characters for the tokens of the original's era, longer ones today. */
export function isApnsToken(token: string): boolean {
  return /^[0-9a-fA-F]{64,200}$/.test(token) && token.length % 2 === 0;
}
