/** WebGL2 is what maplibre needs; checked before its 450 KB are fetched. */
export function hasWebgl2() {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    return !!gl;
  } catch {
    return false;
  }
}
