/**
 * A reader that goes away (`rnnscope train ... | head -1`) must not cost the run: once a standard
 * stream's pipe is closed, writes to it are dropped and the command carries on (training goes on and
 * saves its model), instead of exiting mid-write and leaving a temp file behind.
 */
export function dropWritesAfterEpipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    // Later writes go nowhere; a write already queued may error again, which this handler absorbs.
    stream.write = (() => true) as typeof stream.write;
  });
}
