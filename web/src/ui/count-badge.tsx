/** The number of entries shown in a card; screen readers hear it with its noun. */
export function CountBadge({ count, noun }: { count: number | null; noun: { one: string; other: string } }) {
  if (count === null) return null;
  return (
    <span className="badge">
      <span aria-hidden="true">{count}</span>
      <span className="visually-hidden">{`${count} ${count === 1 ? noun.one : noun.other} shown`}</span>
    </span>
  );
}
