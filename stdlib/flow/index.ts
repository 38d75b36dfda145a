/** Operator classes of this category (see meta.ts beside this file). */
export {
  FlowLastPrice,
  FlowLastSize,
  FlowCvd,
  FlowSignedVolume,
  FlowSignedVolumeTime,
  FlowIntensity,
  FlowIntensityTime,
} from "./trades.js";
export { FlowVwap, FlowVwapTime } from "./vwap.js";
export { FlowBlock, FlowBlockTime } from "./block.js";
export { FlowVolumeProfile, FlowVolumeProfileTime, ProfileTable } from "./volume-profile.js";
