import { User } from './User';
import type { MsgConn } from './MsgConn';

/** The users with a logged-in connection here, by id (servers.md §4.2). */
export class UserManager {
  private readonly byId = new Map<number, User>();

  get(id: number): User | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Attach a freshly validated connection to its user, creating the user if needed. */
  attach(id: number, conn: MsgConn): User {
    let u = this.byId.get(id);
    if (!u) {
      u = new User(id, conn);
      this.byId.set(id, u);
    } else {
      u.add(conn);
    }
    return u;
  }

  /** Detach a connection; the user goes away with its last connection. */
  detach(conn: MsgConn): User | undefined {
    const u = this.byId.get(conn.userId);
    if (!u || !u.remove(conn)) return undefined;
    if (u.empty) this.byId.delete(u.id);
    return u;
  }

  values(): IterableIterator<User> {
    return this.byId.values();
  }

  /** The connection with this handle among the user's logged-in connections. */
  findConn(userId: number, handle: number): MsgConn | undefined {
    const u = this.byId.get(userId);
    if (!u) return undefined;
    for (const c of u.conns) if (c.handle === handle) return c;
    return undefined;
  }
}
