/** Stylesheets are bundled as their minified text (see infra/widget-build.ts). */
declare module '*.css' {
  const css: string;
  export default css;
}
