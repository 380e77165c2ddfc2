/** The API app's in-process entry points (for the demo, the CLI and tests). */
export { createApiApp, type ApiApp, type ApiOptions } from './create-api-app';
export { loadApiConfig, DEV_API_KEY, type ApiConfig } from './config/api-config';
