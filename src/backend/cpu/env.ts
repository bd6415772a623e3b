/** Environment switches (GRADIENTE_BLAS, GRADIENTE_WASM) read on Deno and Node alike. */
export function env(name: string): string | undefined {
  try {
    // deno-lint-ignore no-explicit-any
    return (globalThis as any).Deno?.env.get(name) ?? (globalThis as any).process?.env?.[name];
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
}
