// CSS modules for type-checking without a generated next-env.d.ts (a clean clone runs `tsc --noEmit` before
// any `next build`/`next typegen`). Identical to Next's own declaration, with which it merges.
declare module '*.module.css' {
  const classes: { readonly [key: string]: string };
  export default classes;
}
