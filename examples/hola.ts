// hola.py, in TypeScript. Run: npx tsx examples/hola.ts
console.log("Hola, mundo");
