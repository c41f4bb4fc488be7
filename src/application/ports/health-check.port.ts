/** A read replica as health reports show it: the service keeps working without it (the primary serves). */
export interface ReplicaHealth {
  readonly name: string;
  readonly state: 'up' | 'lagging' | 'down';
  readonly lagMs: number | null;
}

/** Whether a dependency the service needs (the database) answers right now. */
export interface HealthCheck {
  /** Resolves true when healthy; never throws and never waits longer than `timeoutMs`. */
  isHealthy(timeoutMs: number): Promise<boolean>;
  /** The read replicas' last known state, when any are configured. */
  replicas?(): readonly ReplicaHealth[];
}
