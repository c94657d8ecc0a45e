import { createContext, type ReactNode, useContext, useSyncExternalStore } from "react";
import type { BffClient } from "../bff.ts";
import type { SessionState, SessionStore } from "./session-store.ts";

interface SessionContextValue {
  client: BffClient;
  store: SessionStore;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** Gives every component the one client and the one session store. */
export function SessionProvider({ client, store, children }: SessionContextValue & { children: ReactNode }) {
  return <SessionContext.Provider value={{ client, store }}>{children}</SessionContext.Provider>;
}

function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error("useSession must be used inside <SessionProvider>");
  return value;
}

/** The shared session state; subscribing does not start another poll. */
export function useSession(): SessionState & { store: SessionStore } {
  const { store } = useSessionContext();
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { ...state, store };
}

/** The BFF client every call goes through. */
export function useBff(): BffClient {
  return useSessionContext().client;
}
