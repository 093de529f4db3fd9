import { overdueReviewMessage, parseCalendarDate, reviewStatus } from '../../../lib/config';

describe('access review dates', () => {
  it('accepts real calendar dates, leap days included', () => {
    expect(parseCalendarDate('2026-11-25')).toBe(Date.UTC(2026, 10, 25));
    expect(parseCalendarDate('2028-02-29')).toBe(Date.UTC(2028, 1, 29));
  });

  it('rejects dates that do not exist or are not YYYY-MM-DD', () => {
    expect(parseCalendarDate('2026-02-30')).toBeUndefined();
    expect(parseCalendarDate('2026-02-29')).toBeUndefined();
    expect(parseCalendarDate('2026-13-01')).toBeUndefined();
    expect(parseCalendarDate('2026-1-01')).toBeUndefined();
  });

  it('counts the age in whole UTC days, whatever the time of day', () => {
    const late = new Date('2026-11-25T23:59:59Z');
    const early = new Date('2026-11-25T00:00:01Z');
    expect(reviewStatus('2026-01-02', 90, late)?.ageDays).toBe(327);
    expect(reviewStatus('2026-01-02', 90, early)?.ageDays).toBe(327);
  });

  it('is overdue only past the interval, and in the future only after today', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    expect(reviewStatus('2026-08-27', 90, now)).toMatchObject({ ageDays: 90, overdue: false, inFuture: false });
    expect(reviewStatus('2026-08-26', 90, now)).toMatchObject({ ageDays: 91, overdue: true });
    expect(reviewStatus('2026-11-26', 90, now)).toMatchObject({ ageDays: -1, inFuture: true, overdue: false });
  });

  it('words the overdue warning with the date, the age, the interval and the fix', () => {
    const status = reviewStatus('2026-01-02', 90, new Date('2026-11-25T08:00:00Z'))!;
    expect(overdueReviewMessage(status)).toBe("review overdue: last reviewed 2026-01-02, 327 days ago (interval 90 days) — review this agent's access and update reviewedOn");
  });
});
