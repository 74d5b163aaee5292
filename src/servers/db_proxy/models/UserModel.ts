import type { Mysql } from '../worker/Mysql';
import { inList } from '../worker/Mysql';
import { unixNow } from './time';
import type { IM } from '../pdu';

/** An IMUser row; nullable columns read as their defaults (schema.md §1 Rewrite). */
export interface UserRow {
  id: number;
  sex: number;
  name: string;
  domain: string;
  nick: string;
  password: string;
  salt: string;
  phone: string;
  email: string;
  avatar: string | null;
  departId: number;
  status: number | null;
  updated: number;
  push_shield_status: number;
  sign_info: string;
}

/** Rewrite (§9): most users one info request returns. */
export const MAX_USER_IDS = 1000;

export const USER_COLUMNS = 'id, sex, name, domain, nick, password, salt, phone, email, avatar, departId, status, updated, push_shield_status, sign_info';

/** B8: an IMUser row as UserInfo (`user_real_name` is the login name, like the original). */
export function userInfo(u: UserRow, forceStatus?: number): IM.BaseDefine.IUserInfo {
  return {
    userId: u.id,
    userGender: u.sex ?? 0,
    userNickName: u.nick ?? '',
    avatarUrl: u.avatar ?? '',
    departmentId: u.departId ?? 0,
    email: u.email ?? '',
    userRealName: u.name ?? '',
    userTel: u.phone ?? '',
    userDomain: u.domain ?? '',
    status: forceStatus ?? u.status ?? 0,
    signInfo: u.sign_info ?? '',
  };
}

export class UserModel {
  private maxUpdatedCache = { value: 0, at: 0 };

  constructor(private readonly master: Mysql, private readonly slave: Mysql) {}

  /** Login lookup: exact (binary-collated) name, active rows; the last row wins (§6.1). */
  async activeByName(name: string): Promise<UserRow | null> {
    const rows = await this.slave.rows<UserRow>(`SELECT ${USER_COLUMNS} FROM IMUser WHERE name = ? AND status = 0 ORDER BY id`, [name]);
    return rows[rows.length - 1] ?? null;
  }

  /** Rows for ids in primary-key order; unknown ids are absent (§6.6). */
  async byIds(ids: number[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    const { marks, params } = inList(ids);
    return this.slave.rows<UserRow>(`SELECT ${USER_COLUMNS} FROM IMUser WHERE id IN (${marks}) ORDER BY id`, params);
  }

  /** §6.7: ids (and updated) of the directory delta. */
  async changedSince(t: number): Promise<Array<{ id: number; updated: number }>> {
    return t === 0
      ? this.slave.rows('SELECT id, updated FROM IMUser WHERE status IS NULL OR status <> 3 ORDER BY id', [])
      : this.slave.rows('SELECT id, updated FROM IMUser WHERE updated >= ? ORDER BY id', [t]);
  }

  /**
   * Rewrite of the directory watermark (§6.7): the newest `updated` in the table, cached for a
   * second, instead of an in-memory time that only moved on start-up and signature changes.
   */
  async maxUpdated(): Promise<number> {
    const now = Date.now();
    if (now - this.maxUpdatedCache.at < 1000) return this.maxUpdatedCache.value;
    const rows = await this.slave.rows<{ m: number | null }>('SELECT MAX(updated) AS m FROM IMUser', []);
    this.maxUpdatedCache = { value: Number(rows[0]?.m ?? 0), at: now };
    return this.maxUpdatedCache.value;
  }

  /**
   * true when the row exists. mysql2 reports matched rows (FOUND_ROWS), so rewriting the same
   * value in the same second is success (the original reported failure, §3.1).
   */
  async setPushShield(u: number, status: number): Promise<boolean> {
    const res = await this.master.exec('UPDATE IMUser SET push_shield_status = ?, updated = ? WHERE id = ?', [status, unixNow(), u]);
    return res.affectedRows > 0;
  }

  async pushShield(u: number): Promise<number | null> {
    const rows = await this.slave.rows<{ s: number }>('SELECT push_shield_status AS s FROM IMUser WHERE id = ?', [u]);
    return rows[0] ? rows[0].s ?? 0 : null;
  }

  async pushShieldMany(ids: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (ids.length === 0) return out;
    const { marks, params } = inList(ids);
    const rows = await this.slave.rows<{ id: number; s: number }>(`SELECT id, push_shield_status AS s FROM IMUser WHERE id IN (${marks})`, params);
    for (const r of rows) out.set(r.id, r.s ?? 0);
    return out;
  }

  /** §6.9; the text is a parameter (the original pasted it into the SQL, §10.1). */
  async setSignInfo(u: number, text: string): Promise<boolean> {
    const res = await this.master.exec('UPDATE IMUser SET sign_info = ?, updated = ? WHERE id = ?', [text, unixNow(), u]);
    this.maxUpdatedCache.at = 0;
    return res.affectedRows > 0;
  }
}
