export { createProgram, EXIT, runCli } from './program.js';
export { trainingSpecFromFlags } from './train-command.js';
