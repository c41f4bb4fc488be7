import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Router from '@koa/router';

/** The Swagger UI files the page needs, served from node_modules: the page works with no internet. */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'application/javascript' },
  'favicon-32x32.png': { file: 'favicon-32x32.png', type: 'image/png' },
};

/**
 * Inline scripts are refused by the page's policy, so the start-up lives in its own file.
 * `validatorUrl: null`: no badge calling validator.swagger.io. Swagger UI itself sends no telemetry
 * (the install-time Scarf script of swagger-ui-dist is denied in package.json).
 */
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    validatorUrl: null,
    deepLinking: true,
    displayRequestDuration: true,
    tryItOutEnabled: false,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Opportunities service – API documentation</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

/**
 * The API's own policy is `default-src 'none'`; the page needs its scripts, Swagger UI's inline
 * styles and data: images, and calls to this origin for "Try it out". Nothing from elsewhere.
 */
const DOCS_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The contract is built on its first request, not at start-up, and so are the modules that describe
 * it: the document (tens of modules of schemas, one of which formats numbers through ICU, which alone
 * maps ~6 MB of the Node binary's locale data) and the YAML serialiser (~70 modules). Most instances
 * are never asked for their contract.
 */
function lazyContract(): { json: () => Promise<string>; yaml: () => Promise<string> } {
  let json: Promise<string> | undefined;
  let yaml: Promise<string> | undefined;
  const document = () => import('./openapi-document.js').then(({ openApiDocument }) => openApiDocument());
  return {
    json: () => (json ??= document().then((contract) => JSON.stringify(contract))),
    yaml: () =>
      (yaml ??= Promise.all([document(), import('yaml')]).then(([contract, { stringify }]) =>
        stringify(contract, { aliasDuplicateObjects: false }),
      )),
  };
}

export function docsRoutes(): Router {
  const contract = lazyContract();
  const cache = new Map<string, Buffer>();
  const router = new Router();

  router.get('/', (ctx) => {
    ctx.redirect('/docs');
  });
  router.get('/openapi.json', async (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'application/json';
    ctx.body = await contract.json();
  });
  router.get('/openapi.yaml', async (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'application/yaml';
    ctx.body = await contract.yaml();
  });
  router.get('/docs', (ctx) => {
    ctx.set('Content-Security-Policy', DOCS_POLICY);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/html';
    ctx.body = PAGE;
  });
  router.get('/docs/:asset', async (ctx) => {
    const name = ctx.params.asset ?? '';
    if (name === 'init.js') {
      ctx.type = 'application/javascript';
      ctx.body = INIT_SCRIPT;
      return;
    }
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) return; // a 404 problem, from the error handling
    let content = cache.get(asset.file);
    if (!content) {
      content = await readFile(join(SWAGGER_UI_DIR, asset.file));
      cache.set(asset.file, content);
    }
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.type = asset.type;
    ctx.body = content;
  });
  return router;
}
