import type { Socket } from 'node:net';
import * as wire from './wire';

/** ReadyForQuery's transaction status: idle, in a transaction block, in a failed one. */
export type Status = 'I' | 'T' | 'E' | null;

/** One party of the shared backend: this process's own connection, a client process, or a one-off task. */
export class Session {
  /** Statement and portal names as the client knows them → the names they have in the one backend. */
  readonly statements = new Map<string, string>();
  readonly portals = new Map<string, string>();
  /** Extended-protocol messages sent since the last Sync: the session is inside a statement sequence. */
  extendedPending = false;
  started = false;
  closed = false;
  idleTimer: NodeJS.Timeout | null = null;
  /** The session's messages run one after another, in order. */
  tail: Promise<unknown> = Promise.resolve();
  queued = 0;

  constructor(
    readonly id: number,
    public label: string,
    readonly socket: Socket | null,
  ) {}

  clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

/**
 * Gives the client's prepared statements and portals names of the session's own in the shared
 * backend: the gateway and a command both name theirs `article_latest`, and each must get its own.
 */
export function renameStatements(session: Session, bytes: Buffer): Buffer {
  const type = String.fromCharCode(bytes[0]!);
  const body = bytes.subarray(5);
  const statement = (name: string) => alias(session, session.statements, 's', name);
  const portal = (name: string) => alias(session, session.portals, 'p', name);
  switch (type) {
    case 'P': {
      const [name, next] = wire.readCString(body, 0);
      return name ? wire.message('P', Buffer.concat([wire.cstring(statement(name)), body.subarray(next)])) : bytes;
    }
    case 'B': {
      const [portalName, next] = wire.readCString(body, 0);
      const [statementName, after] = wire.readCString(body, next);
      if (!portalName && !statementName) return bytes;
      return wire.message('B', Buffer.concat([wire.cstring(portal(portalName)), wire.cstring(statement(statementName)), body.subarray(after)]));
    }
    case 'D':
    case 'C': {
      const kind = String.fromCharCode(body[0]!);
      const [name, next] = wire.readCString(body, 1);
      if (!name) return bytes;
      return wire.message(type, Buffer.concat([body.subarray(0, 1), wire.cstring(kind === 'S' ? statement(name) : portal(name)), body.subarray(next)]));
    }
    case 'E': {
      const [name, next] = wire.readCString(body, 0);
      return name ? wire.message('E', Buffer.concat([wire.cstring(portal(name)), body.subarray(next)])) : bytes;
    }
    default:
      return bytes;
  }
}

function alias(session: Session, names: Map<string, string>, kind: 's' | 'p', name: string): string {
  if (!name) return '';
  let alias = names.get(name);
  if (!alias) {
    alias = `newsgate_${session.id}${kind}${names.size + 1}`;
    names.set(name, alias);
  }
  return alias;
}

/**
 * Takes the notifications on `channels` out of the backend's output (handing each to `notify`) and
 * finds its last ReadyForQuery.
 */
export function scanOutput(output: Buffer, channels: ReadonlySet<string>, notify: (channel: string, payload: string) => void): { forward: Buffer; status: Status } {
  let status: Status = null;
  const kept: Buffer[] = [];
  let keptFrom = 0;
  let offset = 0;
  while (offset + 5 <= output.length) {
    const type = String.fromCharCode(output[offset]!);
    const end = offset + 1 + output.readInt32BE(offset + 1);
    if (type === 'Z') status = String.fromCharCode(output[offset + 5]!) as Status;
    if (type === 'A') {
      const [name, next] = wire.readCString(output, offset + 9);
      const [payload] = wire.readCString(output, next);
      if (channels.has(name)) {
        notify(name, payload);
        kept.push(output.subarray(keptFrom, offset));
        keptFrom = end;
      }
    }
    offset = end;
  }
  if (keptFrom === 0) return { forward: output, status };
  kept.push(output.subarray(keptFrom));
  return { forward: Buffer.concat(kept), status };
}
