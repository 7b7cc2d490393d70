/**
 * Your own sequences: a CSV (long form, one row per step) or JSON file, read by the CLI's readers
 * in the worker; what is wrong is shown in the CLI's words.
 */
import { session, settings, uploadError } from '../store.js';
import { upload, useTask } from '../runner/runner.js';
import { textCol } from '../text-store.js';

export function Upload() {
  const s = settings.value;
  const snap = session.value;
  const onFile = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (file) void upload(file);
    input.value = '';
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void upload(file);
  };
  return (
    <div class="upload" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      {s.data && snap?.settings.data === s.data && (
        <p class="uploaded" data-testid="uploaded">
          Training on <strong>{s.data}</strong>: {snap.data.sizes.train + snap.data.sizes.val + snap.data.sizes.test} sequences,{' '}
          {snap.data.text
            ? snap.data.text.kind === 'next'
              ? `a character model, a vocabulary of ${snap.data.text.vocabulary.length}.`
              : `texts read a character at a time, classes ${snap.data.classes.join(', ')}.`
            : `${snap.data.features.length} features, classes ${snap.data.classes.join(', ')}.`}{' '}
          <button type="button" class="link" onClick={useTask}>
            Use a built-in task
          </button>
        </p>
      )}
      <label for="upload-file" class="upload-label">
        Upload your data (.csv, .json or .txt)
      </label>
      <input
        id="upload-file"
        type="file"
        accept=".csv,.json,.txt,text/csv,application/json,text/plain"
        onChange={onFile}
        aria-describedby="upload-help"
      />
      <small id="upload-help">
        CSV in long form: an id column, an optional step column, a label column and the features; or JSON {'{"sequences": [...]}'}. A plain
        .txt file trains a character model; a table with a text column (named below) a classifier over its characters. Or drop a file here.
      </small>
      <label for="upload-textcol" class="upload-label">
        Text column (for a table of texts)
      </label>
      <input
        id="upload-textcol"
        type="text"
        value={textCol.value}
        placeholder="e.g. name"
        onInput={(e) => (textCol.value = (e.currentTarget as HTMLInputElement).value)}
        data-testid="upload-textcol"
      />
      {uploadError.value && (
        <p class="error" role="alert" data-testid="upload-error">
          {uploadError.value}
        </p>
      )}
    </div>
  );
}
