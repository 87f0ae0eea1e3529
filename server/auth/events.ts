import { EventEmitter } from 'node:events';

// Revocations, told to whoever holds a stream open for the revoked principal: a wall screen's push stream
// closes the moment its display token is revoked, a person's when they are disabled or signed out everywhere.

export type AuthEvent = { type: 'token-revoked'; tokenId: string } | { type: 'user-ended'; userId: string };

export class AuthEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  emit(e: AuthEvent): void {
    this.emitter.emit('auth', e);
  }

  subscribe(fn: (e: AuthEvent) => void): () => void {
    this.emitter.on('auth', fn);
    return () => this.emitter.off('auth', fn);
  }
}
