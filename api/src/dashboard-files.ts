import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';
import { ApiError } from './api-error.js';

/**
 * Names the bundler gives assets whose content never changes under that name: `app-<hash>.js`,
 * `app-<hash>.css` (a hash of 8 upper-case letters or digits, esbuild's `[hash]`).
 */
const HASHED = /-[A-Z0-9]{8}\.(js|css|map)$/;

/**
 * The page loads nothing from elsewhere: scripts, styles and data from this server only (the plot
 * library sets inline style attributes, hence `'unsafe-inline'` for styles alone).
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serves the dashboard's built files (a folder with `index.html`) at `/`. `index.html` is
 * revalidated on every load, so a rebuilt dashboard is seen at once; content-hashed assets are
 * cached for a year. Content types come from express's static handler (by extension); anything not
 * in the folder falls through to the routes after it.
 */
export function dashboardFiles(dir: string): Router {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new ApiError('BAD_OPTION', `dashboard folder ${dir} has no index.html: build it with "npm run build -w client"`);
  }
  const router = express.Router();
  router.use(
    express.static(dir, {
      index: 'index.html',
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res, path) => {
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Content-Security-Policy', CSP);
        res.setHeader('Cache-Control', HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  return router;
}
