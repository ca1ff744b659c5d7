export {
  MAX_SCHEDULES_PER_CALL,
  MAX_WINDOW_MS,
  mergeAvailability,
  splitScheduleQuery,
  type Attendee,
  type Availability,
  type BusyInterval,
  type Calendar,
  type CancelledEvent,
  type CreatedEvent,
  type EventCancellation,
  type EventChange,
  type EventRequest,
  type FreeBusyStatus,
  type ScheduleQuery,
  type UpdatedEvent,
} from './types.js';
export { createGraphCalendar, TRANSACTION_PROPERTY_ID, type GraphCalendarOptions } from './graph.js';
export { busyFromIcs, composeIcs, readMeeting, type BusyBlock, type IcsMeeting } from './ics.js';
export { createFileCalendar, type FileCalendarOptions } from './file.js';
export { personalCalendarsDir, SAMPLE_CALENDARS_DIR, seedSampleCalendars } from './samples.js';
