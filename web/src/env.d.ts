/// <reference types="vite/client" />
declare module 'virtual:first-paint' {
  import type { SessionSnapshot } from './runner/protocol.js';
  const snapshot: SessionSnapshot;
  export default snapshot;
}
