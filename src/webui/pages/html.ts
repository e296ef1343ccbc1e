// Server-side templates: htm's tagged templates build preact elements, which
// preact-render-to-string renders with every interpolated value escaped (text and attributes), so
// nothing a template is given can become markup. No build step: plain TypeScript.
// htm ships ESM at run time but types that TypeScript reads as CommonJS: its default export is
// the namespace's `default` either way.
import * as htmModule from 'htm';
import { Fragment, h, type VNode } from 'preact';
import { render } from 'preact-render-to-string';

interface Htm {
  bind<R>(h: (type: never, props: never, ...children: never[]) => R): (strings: TemplateStringsArray, ...values: unknown[]) => R | R[];
}
const bound = (htmModule as unknown as { default: Htm }).default.bind(h);

export type Node = VNode | string | number | null | undefined | readonly Node[];

/** A template; its interpolations are values or nodes, never raw HTML. Several roots make a fragment. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): VNode {
  const result = bound(strings, ...values);
  return Array.isArray(result) ? h(Fragment, null, ...result) : result;
}

/** A whole document. */
export function renderPage(root: VNode): string {
  return `<!doctype html>${render(root)}`;
}

/** A part of a page, as a live update sends it. */
export function renderFragment(node: VNode): string {
  return render(node);
}
