/** What the HTTP layer reports; the Prometheus adapter implements it, tests may use `noMetrics`. */
export interface ServiceMetrics {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  authFailure(reason: string): void;
  rateLimited(bucket: string): void;
  rateLimitStoreError(): void;
}

export const noMetrics: ServiceMetrics = {
  observeRequest: () => undefined,
  authFailure: () => undefined,
  rateLimited: () => undefined,
  rateLimitStoreError: () => undefined,
};
