import { useCallback, useEffect, useRef, useState } from "react";
import { BffError } from "../bff.ts";
import { useBff } from "../session/session-context.tsx";
import { BusyButton } from "../ui/busy-button.tsx";
import { CountBadge } from "../ui/count-badge.tsx";
import { formatDateTime } from "../ui/format.ts";
import { ListStates } from "../ui/list-states.tsx";
import { Notice } from "../ui/notice.tsx";
import { ItemForm } from "./item-form.tsx";
import { deleteItem, type Item, listItems } from "./items-api.ts";

type ListState =
  | { status: "loading" }
  | { status: "error"; error: BffError }
  | { status: "ready"; items: Item[]; cursor: string | undefined; moreLoading: boolean; moreError: BffError | null };

function asBffError(error: unknown): BffError {
  return error instanceof BffError
    ? error
    : new BffError("unexpected_error", 0, "Something went wrong. Please try again.", {}, { cause: error });
}

/** The signed-in user's items: list, add, delete, each with its own loading and error state. */
export function ItemsPanel() {
  const bff = useBff();
  const [list, setList] = useState<ListState>({ status: "loading" });
  const [deleting, setDeleting] = useState<ReadonlySet<string>>(new Set());
  const [deleteError, setDeleteError] = useState<{ title: string; error: BffError } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    setList({ status: "loading" });
    try {
      const page = await listItems(bff);
      setList({ status: "ready", items: page.items, cursor: page.cursor, moreLoading: false, moreError: null });
    } catch (error) {
      setList({ status: "error", error: asBffError(error) });
    }
  }, [bff]);

  useEffect(() => {
    void load();
  }, [load]);

  async function loadMore(cursor: string): Promise<void> {
    setList((current) => (current.status === "ready" ? { ...current, moreLoading: true, moreError: null } : current));
    try {
      const page = await listItems(bff, cursor);
      setList((current) =>
        current.status === "ready"
          ? { status: "ready", items: [...current.items, ...page.items], cursor: page.cursor, moreLoading: false, moreError: null }
          : current,
      );
    } catch (error) {
      setList((current) => (current.status === "ready" ? { ...current, moreLoading: false, moreError: asBffError(error) } : current));
    }
  }

  async function remove(item: Item): Promise<void> {
    setDeleteError(null);
    setDeleting((current) => new Set(current).add(item.id));
    try {
      await deleteItem(bff, item.id);
      dropItem(item.id);
    } catch (error) {
      const failure = asBffError(error);
      // Already gone is what the person wanted.
      if (failure.status === 404) dropItem(item.id);
      else if (failure.status !== 401) setDeleteError({ title: item.title, error: failure });
    } finally {
      setDeleting((current) => {
        const next = new Set(current);
        next.delete(item.id);
        return next;
      });
    }
  }

  function dropItem(id: string): void {
    setList((current) => (current.status === "ready" ? { ...current, items: current.items.filter((entry) => entry.id !== id) } : current));
    // The button that had focus is gone; put focus somewhere that makes sense.
    heading.current?.focus();
  }

  function added(item: Item): void {
    setList((current) =>
      current.status === "ready" ? { ...current, items: [item, ...current.items.filter((entry) => entry.id !== item.id)] } : current,
    );
  }

  const count = list.status === "ready" ? list.items.length : null;
  return (
    <section className="card items" aria-labelledby="items-title">
      <div className="card-header">
        <h2 id="items-title" ref={heading} tabIndex={-1}>
          Your items
        </h2>
        <CountBadge count={count} noun={{ one: "item", other: "items" }} />
      </div>
      <p className="card-intro">Stored by the items API behind the server; this page reaches it only through the backend-for-frontend.</p>
      <ItemForm onCreated={added} />
      {deleteError ? (
        <Notice tone="error" title={`"${deleteError.title}" was not deleted`} onDismiss={() => setDeleteError(null)}>
          {deleteError.error.message}
        </Notice>
      ) : null}
      <div className="items-body" aria-live="polite" aria-busy={list.status === "loading"}>
        <ListStates
          loading={list.status === "loading"}
          loadingLabel="Loading your items…"
          error={list.status === "error" ? list.error : null}
          errorTitle="Your items could not be loaded"
          onRetry={() => void load()}
          empty={list.status === "ready" && list.items.length === 0}
          emptyTitle="Nothing here yet"
          emptyText="Add your first item above. It is stored by the API, behind the server, never in this browser."
        />
        {list.status === "ready" && list.items.length > 0 ? (
          <ul className="item-list">
            {list.items.map((item) => {
              const busy = deleting.has(item.id);
              return (
                <li key={item.id} className={`item${busy ? " item-busy" : ""}`}>
                  <div className="item-text">
                    <span className="item-title">{item.title}</span>
                    <span className="item-meta">
                      <span>
                        Added <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
                      </span>
                      {item.done ? <span className="tag">Done</span> : null}
                    </span>
                  </div>
                  <BusyButton
                    className="button button-danger button-small"
                    onClick={() => void remove(item)}
                    busy={busy}
                    busyLabel="Deleting…"
                    aria-label={`Delete "${item.title}"`}
                  >
                    Delete
                  </BusyButton>
                </li>
              );
            })}
          </ul>
        ) : null}
        {list.status === "ready" && list.cursor !== undefined ? (
          <div className="load-more">
            {list.moreError ? (
              <Notice tone="error" title="More items could not be loaded">
                {list.moreError.message}
              </Notice>
            ) : null}
            <BusyButton
              className="button button-secondary"
              onClick={() => {
                if (list.status === "ready" && list.cursor !== undefined) void loadMore(list.cursor);
              }}
              busy={list.moreLoading}
              busyLabel="Loading…"
            >
              Show more
            </BusyButton>
          </div>
        ) : null}
      </div>
    </section>
  );
}
