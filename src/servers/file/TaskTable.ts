import type { Tickable } from '../../net/Ticker';
import type { Logger } from '../../util/log';
import { newTaskId } from './TaskId';
import { MODE_ONLINE, OfflineTask, OnlineTask, TaskParams, TaskState, TransferTask } from './TransferTask';

export const SWEEP_INTERVAL_MS = 10_000;
/** Tasks are unbounded in the original (edge.md §1.13); a cap keeps a flood of requests from eating memory. */
export const DEFAULT_MAX_TASKS = 100_000;

export class TaskTableFullError extends Error {
  constructor(readonly max: number) {
    super(`task table full (${max} tasks)`);
    this.name = 'TaskTableFullError';
  }
}

/**
 * All tasks of this file_server by task id, plus the sweep (edge.md §1.12). Original bug: the sweep
 * only deleted tasks in state 6, which is never entered, so nothing was ever deleted. Here a task
 * that no connection holds and that saw no activity for `taskTimeoutMs` is deleted (a transfer
 * nobody logged into, an online task both sides left).
 */
export class TaskTable implements Tickable {
  private readonly tasks = new Map<string, TransferTask>();
  /** Ids whose stored file is being opened for a download login (guards concurrent logins). */
  private readonly loading = new Set<string>();
  private lastSweep = 0;

  constructor(
    private readonly taskTimeoutMs: number,
    private readonly log: Logger,
    private readonly maxTasks = DEFAULT_MAX_TASKS,
  ) {}

  get size(): number { return this.tasks.size; }

  get(taskId: string): TransferTask | undefined { return this.tasks.get(taskId); }

  create(mode: number, p: Omit<TaskParams, 'taskId'>, now: number): TransferTask {
    if (this.tasks.size >= this.maxTasks) throw new TaskTableFullError(this.maxTasks);
    let taskId = newTaskId();
    while (this.tasks.has(taskId)) taskId = newTaskId();
    const params = { ...p, taskId };
    const task = mode === MODE_ONLINE ? new OnlineTask(params, now) : new OfflineTask(params, now);
    this.tasks.set(taskId, task);
    return task;
  }

  /** Register a task rebuilt from disk for a download (state 10). */
  adopt(task: OfflineTask): boolean {
    if (this.tasks.has(task.taskId)) return false;
    this.tasks.set(task.taskId, task);
    return true;
  }

  delete(task: TransferTask): void {
    if (this.tasks.get(task.taskId) === task) this.tasks.delete(task.taskId);
  }

  /** Reserve an id while its file is being opened; false if a login for it is already loading. */
  beginLoad(taskId: string): boolean {
    if (this.loading.has(taskId)) return false;
    this.loading.add(taskId);
    return true;
  }

  endLoad(taskId: string): void { this.loading.delete(taskId); }

  onTick(now: number): void {
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    this.sweep(now);
  }

  sweep(now: number): number {
    let n = 0;
    for (const task of [...this.tasks.values()]) {
      if (!task.idle) continue;
      if (now - task.lastActive < this.taskTimeoutMs && task.state !== TaskState.Invalid) continue;
      this.tasks.delete(task.taskId);
      n++;
      this.log.info({ taskId: task.taskId, state: task.state, mode: task.mode }, 'task expired unused; deleted');
    }
    return n;
  }

  all(): TransferTask[] { return [...this.tasks.values()]; }
}
