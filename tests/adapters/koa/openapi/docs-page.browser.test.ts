/**
 * The docs page in a real headless Chromium (Debian's package, driven by playwright-core): it
 * renders every documented operation, "Try it out" against the running service works, and the
 * page asks nothing of any other host. The screenshot is for people; the assertions are on the DOM.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { type Browser, chromium } from 'playwright-core';
import { startTestService, type TestService } from '../../../support/test-service.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../../../.artifacts');

/** The flags this machine needs: no sandbox as root, and no background calls to Google. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('OpenAPI contract: the docs page in headless Chromium', function () {
  this.timeout(60_000);
  let api: TestService;
  let browser: Browser;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
      console.warn(`\n  !!! SKIPPED: Chromium not found at ${CHROMIUM} (apt-get install -y chromium) !!!\n`);
      this.skip();
    }
    api = await startTestService({ RATE_LIMIT_ENABLED: 'false' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  after(async () => {
    await browser?.close();
    await api?.stop();
  });

  it('renders every operation, runs "Try it out" on a public route, and calls no other host', async () => {
    const token = await api.tokenFor({ userId: 'docs-user' });
    const title = `Visible in the docs ${Date.now()}`;
    const created = await api.request('/api/v1/opportunities', {
      method: 'POST',
      token,
      json: { title, description: 'Seen through Try it out.', category: 'docs-test' },
    });
    expect(created.status).to.equal(201);

    const page = await browser.newPage();
    const foreign: string[] = [];
    const pageErrors: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== api.url && url.protocol !== 'data:') foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${api.url}/`); // GET / leads a person to the docs
    expect(new URL(page.url()).pathname).to.equal('/docs');
    await page.locator('.opblock').first().waitFor();

    const operations = await page.locator('.opblock').evaluateAll((blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent ?? '';
        const route = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method} ${route}`;
      }),
    );
    const document = (await (await api.request('/openapi.json')).json()) as { paths: Record<string, object> };
    const documented = Object.entries(document.paths).flatMap(([route, item]) =>
      Object.keys(item)
        .filter((key) => ['get', 'put', 'post', 'delete'].includes(key))
        .map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(operations.sort()).to.deep.equal(documented.sort());
    expect(await page.locator('.info .title').innerText()).to.contain('Opportunities service');

    const list = page.locator('#operations-opportunities-listOpportunities');
    await list.locator('.opblock-summary').click();
    await list.locator('button.try-out__btn').click();
    await list.locator('input[placeholder="category"]').fill('docs-test');
    await list.locator('button.execute').click();
    const status = list.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.innerText()).trim()).to.equal('200');
    const body = await list.locator('.live-responses-table .response-col_description pre').first().innerText();
    expect(JSON.parse(body)).to.have.nested.property('results[0].title', title);
    expect(await list.locator('.request-url pre').innerText()).to.contain('/api/v1/opportunities?category=docs-test');

    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'docs-page.png'), fullPage: true });
    expect(foreign, 'requests to other hosts').to.deep.equal([]);
    expect(pageErrors, 'errors in the page (script errors, refused by the content policy)').to.deep.equal([]);
  });
});
