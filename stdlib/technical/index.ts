/** Technical indicator classes (metadata in meta.ts beside this file). */
export * from "./moving-averages.js";
export * from "./oscillators.js";
export * from "./bar-indicators.js";
export * from "./extremes.js";
