/**
 * The OpenAPI 3.1 contract of the HTTP adapter, written by hand next to the codecs it describes.
 *
 * Why by hand and not generated from the io-ts codecs: the codecs wrap the domain's rule
 * functions (`ruled(text, checkTitle)`), which are code, not data a generator can read; and most
 * of the contract has no codec at all (responses come from the presenter, problems and their
 * codes from the error mapping, headers from middleware). Generating would mean writing a second
 * description of every rule anyway. So the document is hand-written, takes its limits from the
 * domain constants, and tests/contract fails when it drifts: routes (registered vs documented),
 * request fields and query parameters (io-ts codecs vs schemas, probed with the same values),
 * and every response of the HTTP suites (status, headers, body) validated against it.
 */
import { paths } from './paths.js';
import { headers, parameters, responses } from './responses.js';
import { schemas } from './schemas/schemas.js';
import { docsPaths } from './docs-paths.js';

export const OPENAPI_VERSION = '3.1.1';

const DESCRIPTION = `Opportunities posted by users of the mobile app (jobs, gigs, volunteering slots).

**Authentication.** Sign in at the Django backend (\`POST /api/auth/login/\`) and send its
simplejwt access token as \`Authorization: Bearer <token>\`. When a call answers 401 with
\`token_error: "expired"\` (simplejwt's \`code: token_not_valid\`), refresh at Django
(\`POST /api/auth/refresh/\`) and retry once. The TypeScript client in \`clients/typescript\` does this.

**Errors** are \`application/problem+json\` (RFC 9457) with a stable \`code\`. Besides the statuses
listed per operation, an unknown path answers 404 \`route_not_found\` and an unsupported method 405
\`method_not_allowed\` (schema \`Problem\`).

**Concurrency.** Reads return \`ETag: "<version>"\`; send it as \`If-Match\` on PUT to avoid
overwriting someone else's change (412 \`version_mismatch\`); \`If-None-Match\` on GET answers 304 when the copy is current.`;

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Opportunities service',
      version: '1.0.0',
      summary: 'Opportunities for the mobile app; trusts Django simplejwt access tokens.',
      description: DESCRIPTION,
      // A name only: the project publishes no support address or site, and a made-up one would mislead.
      contact: { name: 'Opportunities service maintainers' },
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/', description: 'The service that serves this document' }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'opportunities', description: 'The resource the app works with.' },
      { name: 'operations', description: 'Health checks for orchestrators.' },
      { name: 'documentation', description: 'This contract and its page.' },
    ],
    paths: { ...paths, ...docsPaths },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'An access token from the Django backend (djangorestframework-simplejwt): claims ' +
            '`token_type: access`, `exp`, `iat`, `jti`, `user_id`, optional `email` and `role`.',
        },
      },
      schemas,
      parameters,
      headers,
      responses,
    },
  };
}
