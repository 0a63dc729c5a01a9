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
      this.waiters.add(reject);
      promise.then(
        (value) => {
          this.waiters.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.waiters.delete(reject);
          reject(error);
        },
      );
    });
  }
}
