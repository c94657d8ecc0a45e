import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
import { takeAuthError } from "./auth/auth-error.ts";
import { createBffClient } from "./bff.ts";
import { SessionProvider } from "./session/session-context.tsx";
import { createSessionStore, SESSION_CHANNEL_NAME, windowActivity } from "./session/session-store.ts";
import "./styles.css";

const client = createBffClient();
const store = createSessionStore({
  client,
  channel: typeof BroadcastChannel === "function" ? new BroadcastChannel(SESSION_CHANNEL_NAME) : null,
  activity: windowActivity(window),
});
const authError = takeAuthError(window.location, window.history);

const root = document.getElementById("root");
if (root === null) throw new Error('index.html must contain <div id="root">');
createRoot(root).render(
  <StrictMode>
    <SessionProvider client={client} store={store}>
      <App initialAuthError={authError} />
    </SessionProvider>
  </StrictMode>,
);
