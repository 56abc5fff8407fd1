// A small typed element builder: the dashboard is plain DOM, a page re-rendered from its state.

type Child = Node | string | number | null | undefined | false | readonly Child[];

type Attrs<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'style' | 'dataset'>> & {
  readonly class?: string;
  readonly style?: string;
  readonly data?: Readonly<Record<string, string>>;
  readonly attrs?: Readonly<Record<string, string>>;
};

/** `h('a', { href: '#/runs' }, 'Runs')`: an element with properties set and children appended. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs<K> | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    const { class: cls, style, data, attrs: raw, ...props } = attrs;
    if (cls) el.className = cls;
    if (style) el.setAttribute('style', style);
    for (const [k, v] of Object.entries(data ?? {})) el.dataset[k] = v;
    for (const [k, v] of Object.entries(raw ?? {})) el.setAttribute(k, v);
    Object.assign(el, props);
  }
  append(el, children);
  return el;
}

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child as readonly Child[]);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent` with `children`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
