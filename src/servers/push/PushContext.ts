import type { HandlerTable } from '../../net/HandlerTable';
import type { Logger } from '../../util/log';
import type { PushConn } from './PushConn';
import type { PushDispatcher } from './PushDispatcher';

/** What every msg_server link of this push_server shares. */
export interface PushContext {
  readonly log: Logger;
  readonly dispatcher: PushDispatcher;
  readonly handlers: HandlerTable<PushConn>;
}
