import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/storage/database.js';

describe('configFromEnv', () => {
  it('uses ./posguard.db by default, POSGUARD_DB when set, PostgreSQL with DATABASE_URL, and --db above all', () => {
    expect(configFromEnv({})).toEqual({ dialect: 'sqlite', file: './posguard.db' });
    expect(configFromEnv({ POSGUARD_DB: '/data/p.db' })).toEqual({ dialect: 'sqlite', file: '/data/p.db' });
    expect(configFromEnv({ DATABASE_URL: 'postgresql://u@h/db', POSGUARD_DB: 'x.db' })).toEqual({
      dialect: 'postgres',
      url: 'postgresql://u@h/db',
    });
    expect(configFromEnv({ DATABASE_URL: 'postgresql://u@h/db' }, 'given.db')).toEqual({
      dialect: 'sqlite',
      file: 'given.db',
    });
  });
});
