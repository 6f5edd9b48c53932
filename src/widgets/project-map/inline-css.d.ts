// Vite's `?inline` CSS import (and the test runner's plugin that mirrors it): the file as a string.
declare module '*.css?inline' {
  const css: string;
  export default css;
}
