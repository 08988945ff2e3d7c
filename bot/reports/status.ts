import { caseStatuses } from "../cases/case.js";
import { statusTitles } from "../cases/case.js";
import { formatDateTime } from "../people/format.js";
import type { StatusCounts } from "../store/case-store.js";

/** The managers' status card: counts by status, open and unassigned, and any posts Teams would not take. */
export function statusView(counts: StatusCounts, failedPosts: number, now: Date) {
  const openCount = caseStatuses
    .filter((status) => status !== "closed")
    .reduce((sum, status) => sum + counts.byStatus[status], 0);
  return {
    openCount,
    unassignedCount: counts.unassigned,
    statuses: caseStatuses.map((status) => ({
      title: statusTitles[status],
      count: String(counts.byStatus[status]),
    })),
    failedPosts,
    asAt: formatDateTime(now),
  };
}
