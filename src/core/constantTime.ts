import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets (states, nonces, channel secrets, verifiers) in constant time. Hashing first
 * keeps the comparison constant-time even when the lengths differ, and hides the length too.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
