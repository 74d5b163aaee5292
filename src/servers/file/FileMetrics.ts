import type { MetricSet } from '../../util/metrics';
import type { FileContext } from './FileContext';

export interface FileState {
  ctx: FileContext;
  clients: { readonly size: number };
  links: { readonly size: number };
}

/** file_server's metrics, read at scrape time. */
export function defineFileMetrics(m: MetricSet, st: FileState): void {
  m.gauge('file_tasks', 'Transfer tasks (online and offline) in the task table', () => st.ctx.tasks.size);
  m.gauge('file_client_connections', 'File client connections on ClientListenPort', () => st.clients.size);
  m.gauge('file_msg_links', 'Links from msg_servers', () => st.links.size);
}
