import { Initial1795805795109 } from './1795805795109-Initial';

/** Every migration in order. Listed explicitly so compiled, ts-node and jest runs agree. */
export const MIGRATIONS: Function[] = [Initial1795805795109];
