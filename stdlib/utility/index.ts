/** Utility operator classes (metadata in meta.ts beside this file). */
export * from "./series-utilities.js";
