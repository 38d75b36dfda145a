/**
 * The stdlib's public face: every operator class (what generated code instantiates) and the
 * metadata catalogue (what the compiler and the language server read).
 */
export * from "./meta.js";
export * from "./catalog.js";
export * from "./microstructure/index.js";
export * from "./flow/index.js";
export * from "./bar/index.js";
export * from "./core/index.js";
export * from "./technical/index.js";
export * from "./statistical/index.js";
export * from "./utility/index.js";
