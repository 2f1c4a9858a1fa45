import { useQueryClient } from '@tanstack/react-query';
import { keys, useUnreadCount } from './api';
import { useCabinetEvents } from './events';

/**
 * The menu's unread count of the cabinets (`/cabinet-notifications/count`): asked every minute, and again
 * when an event arrives while a cabinet screen has the stream open. 0 while not wanted (the office).
 */
export function useCabinetUnread(enabled: boolean): number {
  const queryClient = useQueryClient();
  const { data } = useUnreadCount(enabled);
  useCabinetEvents(() => {
    if (enabled) void queryClient.invalidateQueries({ queryKey: keys.unread });
  }, false);
  return enabled ? (data?.unread ?? 0) : 0;
}
