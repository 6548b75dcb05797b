import { parseStoredFault, type NextFault } from './lib/next-fault';

/**
 * The admin token and the fault for the next order live in sessionStorage: this tab only, gone
 * when it closes. The token is never written anywhere else, logged or put on a span.
 */

const TOKEN_KEY = 'hoptrace.adminToken';
const NEXT_FAULT_KEY = 'hoptrace.nextFault';

type Listener = () => void;
const listeners = new Set<Listener>();
const memory = new Map<string, string>(); // when storage is disabled (privacy mode)

function read(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return memory.get(key) ?? null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    if (value === null) memory.delete(key);
    else memory.set(key, value);
  }
  for (const listener of listeners) listener();
}

export const chaosStore = {
  token: (): string | null => read(TOKEN_KEY) || null,
  setToken: (token: string | null): void => write(TOKEN_KEY, token),
  nextFault: (): NextFault | null => parseStoredFault(read(NEXT_FAULT_KEY)),
  setNextFault: (fault: NextFault | null): void => write(NEXT_FAULT_KEY, fault ? JSON.stringify(fault) : null),
  /** The armed fault, disarmed as it is taken: it applies to one order only. */
  takeNextFault(): NextFault | null {
    const fault = chaosStore.nextFault();
    if (fault) chaosStore.setNextFault(null);
    return fault;
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
