/** The package version, shown by `algo --version` and written into reports. */
export const VERSION = "0.1.0";
