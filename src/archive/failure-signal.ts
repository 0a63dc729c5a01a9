/**
 * The first failure of a multi-part job, and a way to stop waiting on anything once it happened.
 *
 * Not a long-lived pending promise raced with Promise.race: every race leaves a reaction on the pending
 * promise that keeps the race's result alive, so racing each data chunk against it kept every chunk of an
 * archive in memory. Here a waiter unsubscribes as soon as its own promise settles.
 */
export class FailureSignal {
  private failure: { readonly error: unknown } | undefined;
  private readonly waiters = new Set<(error: unknown) => void>();

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The first error given to fail(); undefined while nothing failed. */
  get error(): unknown {
    return this.failure?.error;
  }

  /** Records the first failure and wakes everyone waiting; later failures are consequences and are dropped. */
  fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { error };
    for (const wake of this.waiters) wake(error);
    this.waiters.clear();
  }

  /** Settles like `promise`, or rejects with the failure as soon as there is one. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure.error);
    return new Promise<T>((resolve, reject) => {
      const unsubscribe = this.onFailure(reject);
      promise.then(
        (value) => {
          unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          unsubscribe();
          reject(error);
        },
      );
    });
  }

  /** Calls `listener` with the failure when there is one (at once if there already is); returns the undo. */
  onFailure(listener: (error: unknown) => void): () => void {
    if (this.failure !== undefined) {
      listener(this.failure.error);
      return () => undefined;
    }
    this.waiters.add(listener);
    return () => this.waiters.delete(listener);
  }
}
