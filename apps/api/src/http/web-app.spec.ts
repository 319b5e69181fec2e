import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import express from 'express';
import supertest from 'supertest';
import { serveWebApp } from './web-app';

describe('serving the built web app', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'gatehouse-web-'));
  mkdirSync(path.join(directory, 'assets'));
  writeFileSync(path.join(directory, 'index.html'), '<!doctype html><title>Gatehouse</title>');
  writeFileSync(path.join(directory, 'assets', 'index-abc123.js'), 'console.log(1)');

  const app = express();
  expect(serveWebApp(app, directory)).toBe(true);
  app.use((_req, res) => res.status(404).json({ fallthrough: true }));
  const http = () => supertest(app);

  it('answers a deep link with the app, never cached, so the link opens on its page', async () => {
    const page = await http().get('/reviews/0b9d6c1e-2f6a-4c1b-9a51-3f1d2c4b5a69').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('<title>Gatehouse</title>');
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('caches hashed assets for a year', async () => {
    const asset = await http().get('/assets/index-abc123.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it.each(['/api/use-cases', '/api', '/health/ready', '/assets/missing.js'])('leaves %s to the API (or a 404), even for a browser', async (url) => {
    await http().get(url).set('Accept', 'text/html').expect(404, { fallthrough: true });
  });

  it('answers the app only to GET and HEAD from something that accepts HTML', async () => {
    await http().post('/reviews/x').set('Accept', 'text/html').expect(404);
    await http().get('/reviews/x').set('Accept', 'application/json').expect(404);
    await http().get('/reviews/x').set('Accept', '*/*').expect(404);
    await http().get('/reviews/x').expect(404);
    await http().get('/reviews/x').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8').expect(200);
    await http().head('/use-cases').set('Accept', 'text/html').expect(200);
  });

  it('does nothing when the web app is not built', () => {
    expect(serveWebApp(express(), path.join(directory, 'nowhere'))).toBe(false);
  });
});
