/**
 * The explorer's entry: read the state from the URL, paint the precomputed run at once (when the
 * URL asks for the default settings), then start the worker, which trains the real model.
 */
import { render } from 'preact';
import firstPaint from 'virtual:first-paint';
import { batch } from '@preact/signals';
import { App } from './components/App.js';
import { notice, session, settings, view } from './store.js';
import { fromQuery } from './url.js';
import { settingsKey } from './settings.js';
import { start } from './runner/runner.js';
import './styles.css';

const parsed = fromQuery(location.search);
batch(() => {
  if (parsed.settings.data) {
    // An uploaded file does not travel in a link.
    notice.value = `This link trained on an uploaded file, ${parsed.settings.data}; it is not in this page, so the built-in task is used. Upload the file again to use it.`;
    parsed.settings.data = null;
  } else if (parsed.ignored.length) {
    notice.value = `The link's ${parsed.ignored.join(', ')} ${parsed.ignored.length === 1 ? 'was' : 'were'} not valid and ${parsed.ignored.length === 1 ? 'was' : 'were'} left at the default.`;
  }
  settings.value = parsed.settings;
  view.value = parsed.view;
  if (settingsKey(parsed.settings) === firstPaint.key && parsed.view.seq === null) session.value = firstPaint;
});

render(<App />, document.getElementById('app')!);
performance.mark('rnnscope:first-view');
// The worker starts after the first frame, so its messages cannot hold up the first paint.
if (!location.hash.includes('nostart')) requestAnimationFrame(() => setTimeout(start, 0));
