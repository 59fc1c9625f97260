import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactRedisUrl } from '../src/redis-url.js';

describe('parseRedisUrl', () => {
  it('reads host, port, password and whether the host is on this machine', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6390')).toEqual({
      host: '127.0.0.1',
      port: 6390,
      password: undefined,
      loopback: true,
    });
    expect(parseRedisUrl('redis://:s3cr%40t@localhost')).toMatchObject({
      port: 6379,
      password: 's3cr@t',
      loopback: true,
    });
    expect(parseRedisUrl('redis://cache.example.com:6379').loopback).toBe(false);
  });

  it('rejects what is not a redis URL, without echoing the password', () => {
    expect(() => parseRedisUrl('http://u:pw@host:1')).toThrow(/must start with redis:\/\//);
    expect(() => parseRedisUrl('http://u:pw@host:1')).not.toThrow(/pw/);
    expect(() => parseRedisUrl('not a url')).toThrow(/is not a URL/);
  });
});

describe('redactRedisUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactRedisUrl('redis://user:hunter2@10.0.0.1:6379/0')).toBe(
      'redis://user:***@10.0.0.1:6379/0',
    );
    expect(redactRedisUrl('redis://:hunter2@host')).toBe('redis://:***@host');
    expect(redactRedisUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
