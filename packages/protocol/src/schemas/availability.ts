import * as z from 'zod/mini'
import { chatModes, closedModes } from '../availability.js'
import { intakeRules } from '../automation.js'

export const chatModeSchema = z.enum(chatModes)

/** `HH:MM`, 24-hour, local time in the schedule's zone; `24:00` ends a day. */
const clockTime = z.string().check(z.regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/))

/** Opening hours within one day, `opens` before `closes`. */
export const openingSchema = z.object({ opens: clockTime, closes: clockTime })
export type Opening = z.infer<typeof openingSchema>

/** `day`: the ISO weekday, 1 is Monday and 7 is Sunday. */
export const weeklyOpeningSchema = z.object({
  day: z.int().check(z.gte(1), z.lte(7)),
  ...openingSchema.shape,
})
export type WeeklyOpening = z.infer<typeof weeklyOpeningSchema>

/** A date (in the schedule's zone) whose hours replace the week's: `hours: []` is closed all day. */
export const scheduleExceptionSchema = z.object({
  date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  hours: z.array(openingSchema).check(z.maxLength(4)),
  /** Shown to advisors only ("Christmas"). */
  label: z.optional(z.string().check(z.maxLength(80))),
})
export type ScheduleException = z.infer<typeof scheduleExceptionSchema>

export const chatScheduleSchema = z.object({
  /** IANA zone the hours are in. */
  timeZone: z.string().check(z.minLength(1), z.maxLength(64)),
  weekly: z.array(weeklyOpeningSchema).check(z.maxLength(28)),
  exceptions: z.array(scheduleExceptionSchema).check(z.maxLength(100)),
  /** The mode outside the hours. */
  closedMode: z.enum(closedModes),
})
export type ChatSchedule = z.infer<typeof chatScheduleSchema>

/** A mode set by hand, until a moment or until it is cleared. */
export const chatOverrideSchema = z.object({
  mode: chatModeSchema,
  until: z.nullable(z.iso.datetime()),
})
export type ChatOverride = z.infer<typeof chatOverrideSchema>

/** What an admin sets. The effective mode is the override's while it lasts, else the schedule's, else `live`. */
export const chatSettingsSchema = z.object({
  override: z.nullable(chatOverrideSchema),
  schedule: z.nullable(chatScheduleSchema),
})
export type ChatSettings = z.infer<typeof chatSettingsSchema>

/** A quick start as the chat shows it: the label and message in the customer's language. */
export const visitorQuickStartSchema = z.object({ id: z.string(), label: z.string(), message: z.string() })
export type VisitorQuickStart = z.infer<typeof visitorQuickStartSchema>

/**
 * What a customer's chat and the host page see (`GET /v1/availability`, the `workspace.availability`
 * event, `Threadline('on', 'availability')`).
 */
export const availabilitySchema = z.object({
  mode: chatModeSchema,
  /** When the server computed this; clients time `changesAt` against it, not their own clock. */
  at: z.iso.datetime(),
  /** The next moment the mode changes by itself (schedule or override end), if any. */
  changesAt: z.nullable(z.iso.datetime()),
  /** When not live: the next moment the team is live again, when the schedule knows it. */
  nextLiveAt: z.nullable(z.iso.datetime()),
  /**
   * The median first response within hours over the last 7 days, in milliseconds; null with fewer
   * than 5 such responses (a promise needs data behind it).
   */
  replyTimeMs: z.nullable(z.int().check(z.nonnegative())),
  /**
   * The workspace's quick starts in the customer's language (docs/automation.md), while the customer
   * has no conversation yet: on `GET /v1/availability` and as the stream opens. Absent: unchanged (the
   * stream's later events leave it out), or none from an older server.
   */
  quickStarts: z.optional(z.array(visitorQuickStartSchema).check(z.maxLength(intakeRules.maxQuickStarts))),
})
export type Availability = z.infer<typeof availabilitySchema>

export const chatSettingsResponseSchema = z.object({
  settings: chatSettingsSchema,
  availability: availabilitySchema,
})
export type ChatSettingsResponse = z.infer<typeof chatSettingsResponseSchema>
