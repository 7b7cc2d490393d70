/**
 * Your own sequences: a CSV (long form, one row per step) or JSON file, read by the CLI's readers
 * in the worker; what is wrong is shown in the CLI's words.
 */
import { session, settings, uploadError } from '../store.js';
import { upload, useTask } from '../runner/runner.js';

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
          {snap.data.features.length} features, classes {snap.data.classes.join(', ')}.{' '}
          <button type="button" class="link" onClick={useTask}>
            Use a built-in task
          </button>
        </p>
      )}
      <label for="upload-file" class="upload-label">
        Upload your data (.csv or .json)
      </label>
      <input id="upload-file" type="file" accept=".csv,.json,text/csv,application/json" onChange={onFile} aria-describedby="upload-help" />
      <small id="upload-help">
        CSV in long form: an id column, an optional step column, a label column and the features; or JSON {'{"sequences": [...]}'}. Or drop
        a file here.
      </small>
      {uploadError.value && (
        <p class="error" role="alert" data-testid="upload-error">
          {uploadError.value}
        </p>
      )}
    </div>
  );
}
