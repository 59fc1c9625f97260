export { type AppDependencies, buildApp } from './app.js';
export { type ApiConfig, loadApiConfig } from './config.js';
