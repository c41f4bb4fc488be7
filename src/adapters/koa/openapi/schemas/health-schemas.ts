/** JSON Schemas of the readiness and liveness answers. */
import type { ReplicaHealth } from '../../../../application/ports/health-check.port.js';
import type { JsonSchema } from './opportunity-schemas.js';

/** Every state a replica can report; `satisfies` keeps the list in step with the port's type. */
const REPLICA_STATES = ['up', 'lagging', 'down'] as const satisfies readonly ReplicaHealth['state'][];

export const health: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['status', 'database'],
      properties: {
        status: { type: 'string', enum: ['ok', 'error'] },
        database: { type: 'string', enum: ['up', 'down'] },
        replicas: {
          type: 'array',
          description:
            'Present when read replicas are configured (`DATABASE_REPLICA_URLS`). A replica that is down or lags ' +
            'beyond `REPLICA_MAX_LAG_MS` is skipped (the primary serves its reads) and does not make the service unready.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'state', 'lagMs'],
            properties: {
              name: { type: 'string', examples: ['replica-1'] },
              state: { type: 'string', enum: REPLICA_STATES },
              lagMs: { type: ['number', 'null'], description: 'Replay lag at the last check; null when unknown.' },
            },
          },
        },
      },
    },
    {
      type: 'object',
      description: 'Shutting down: send nothing new to this instance.',
      additionalProperties: false,
      required: ['status'],
      properties: { status: { type: 'string', const: 'stopping' } },
    },
  ],
};

export const liveness: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: { status: { type: 'string', const: 'ok' } },
};
