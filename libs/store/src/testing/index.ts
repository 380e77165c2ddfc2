/**
 * Test helpers of `@ablate/store` (`@ablate/store/testing`): throw-away databases on the shared
 * server, and throw-away PostgreSQL and Redis servers for fault tests. Not part of its runtime API.
 */
export * from './temporary-database';
export { dropRedisPrefix, freeTcpPort, startThrowawayPostgres, startThrowawayRedis, type ThrowawayPostgres, type ThrowawayRedis } from './throwaway-servers';
