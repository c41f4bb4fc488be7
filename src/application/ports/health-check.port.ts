/** Whether a dependency the service needs (the database) answers right now. */
export interface HealthCheck {
  /** Resolves true when healthy; never throws and never waits longer than `timeoutMs`. */
  isHealthy(timeoutMs: number): Promise<boolean>;
}
