import type { Notification } from './Notification';

/** FCM HTTP v1 message (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages). */
export interface FcmMessage {
  message: {
    token: string;
    notification?: { body: string };
    data: Record<string, string>;
    android: {
      priority: 'HIGH' | 'NORMAL';
      notification?: { sound: string; notification_count: number };
    };
  };
}

/**
 * The Android counterpart of the APNs payload (the original never pushed to Android, edge.md §4.5):
 * a normal push shows the alert with sound and the unread count; a silent one is a data-only message.
 * The data always carries msg_server's custom text and the badge so the app can update itself.
 */
export function fcmMessage(n: Notification): FcmMessage {
  const data = { custom: n.data, badge: String(n.badge) };
  if (n.silent) return { message: { token: n.token, data, android: { priority: 'NORMAL' } } };
  return {
    message: {
      token: n.token,
      notification: { body: n.flash },
      data,
      android: { priority: 'HIGH', notification: { sound: 'default', notification_count: n.badge } },
    },
  };
}

/** FCM registration tokens: URL-safe text, typically ~150 characters. */
export function isFcmToken(token: string): boolean {
  return /^[A-Za-z0-9_:\-]{20,4096}$/.test(token);
}
