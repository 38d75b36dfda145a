/** Operator classes of this category (see meta.ts beside this file). */
export {};
