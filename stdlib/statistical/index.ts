/** Statistical operator classes (metadata in meta.ts beside this file). */
export * from "./moments.js";
export * from "./order-statistics.js";
export * from "./co-moments.js";
export * from "./returns.js";
