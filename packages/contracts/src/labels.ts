/**
 * The four AG News topics, in class-index order (`classes.txt` line 1 is class 1, index 0).
 * Models, the API and the dashboard all speak of classes by these names.
 */
export const AG_NEWS_LABELS = ['World', 'Sports', 'Business', 'Sci/Tech'] as const;

export type AgNewsLabel = (typeof AG_NEWS_LABELS)[number];

/** Number of AG News classes. */
export const AG_NEWS_CLASS_COUNT = AG_NEWS_LABELS.length;
