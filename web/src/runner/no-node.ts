/** Stands in for node: modules in the browser build; the engine imports them only in Node-only functions. */
export function readFile(): never {
  throw new Error('reading files by path needs Node.js; the explorer reads uploads with readDataText');
}
export default {};
