/** The query key of everything about my notifications: the page's list and preferences, and the navigation's unread count. */
export const NOTIFICATIONS_KEY = ['me', 'notifications'] as const;
