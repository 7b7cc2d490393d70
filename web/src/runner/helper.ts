/** The explorer's second training thread (src/parallel/web.ts), started by the training worker where the page is cross-origin isolated. */
import { serveHelper } from '../../../src/parallel/web.js';

serveHelper(self);
