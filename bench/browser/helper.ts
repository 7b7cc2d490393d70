/** The Chromium peer's second thread (src/parallel/web.ts), for `--threads 2`. */
import { serveHelper } from '../../src/parallel/web.js';

serveHelper(self);
