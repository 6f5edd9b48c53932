/** Defines an element once; another copy of the library already on the page wins, with a warning. */
export function define(name: string, ctor: CustomElementConstructor) {
  const existing = customElements.get(name);
  if (!existing) customElements.define(name, ctor);
  else if (existing !== ctor) console.warn(`civic-widgets: <${name}> is already defined by another copy; using that one.`);
}
