// Runtime YNL specs: load a kernel-format YAML spec and drive the family it describes.
export * from './spec.js';
export * from './convert.js';
export * from './present.js';
export * from './codecs.js';
export * from './family.js';
