// dns-packet ships its type and class tables as separate CommonJS files without typings.
declare module 'dns-packet/types.js' {
  const types: { toType(name: string): number; toString(type: number): string };
  export default types;
}
