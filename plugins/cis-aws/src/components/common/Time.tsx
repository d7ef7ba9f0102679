import { plainTime, relativeTime } from './text';

/**
 * A time in plain words ("2 hours ago", or with `withDate` "2 hours ago (Dec 6, 2026, 2:11
 * AM)"), the exact ISO time in its title and `dateTime` for those who need it.
 */
export function Time(props: {
  iso: string | undefined | null;
  withDate?: boolean;
}) {
  const { iso, withDate } = props;
  if (!iso) return <>never</>;
  return (
    <time dateTime={iso} title={iso}>
      {withDate ? plainTime(iso) : relativeTime(iso)}
    </time>
  );
}
