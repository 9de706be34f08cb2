// esbuild bundles the CSS the entry imports into app.css.
declare module '*.css';
