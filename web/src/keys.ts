/** Keyboard helpers the page and the modes share: a leaf, so that no mode imports App. */

/** True when a key press belongs to a form control, not to the page's shortcuts. */
export function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName)) && (t as HTMLInputElement).type !== 'radio';
}
