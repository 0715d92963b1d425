// The node's logger: JSON lines for machines, readable lines for a person at a terminal.
//
// `--log-format json|pretty` chooses; without it the node writes pretty lines when stdout is a
// terminal and JSON when it is piped or redirected (a log collector, a test, CI). Colour only
// goes to a terminal, and never when CI or NO_COLOR is set, so no escape codes reach log files.

import pino, { type DestinationStream, type Logger } from 'pino'
import pretty from 'pino-pretty'

export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

type Env = Record<string, string | undefined>

/** The format used when `--log-format` is absent. */
export function defaultLogFormat(isTTY: boolean): LogFormat {
  return isTTY ? 'pretty' : 'json'
}

/** Colour is for terminals only; CI logs and NO_COLOR users get plain text. */
export function useColour(isTTY: boolean, env: Env = process.env): boolean {
  if (!isTTY) return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0') return false
  return true
}

export interface LoggerOptions {
  level: string
  format: LogFormat
  colour: boolean
  /** A file descriptor (default 1, stdout) or a stream (tests). */
  destination?: number | NodeJS.WritableStream
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? 1
  const base = { level: options.level, base: { service: 'parley-node' } }
  if (options.format === 'pretty') {
    // In-process and synchronous, like the JSON path: a line is written before the call
    // returns, so nothing is lost when the process exits right after logging.
    const stream = pretty({
      destination: destination as number | NodeJS.WritableStream,
      sync: true,
      colorize: options.colour,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      singleLine: true,
    })
    return pino(base, stream)
  }
  // Synchronous writes: few lines at info level, and none lost when the process exits.
  const stream: DestinationStream =
    typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : (destination as unknown as DestinationStream)
  return pino(base, stream)
}

const TOPIC_CHARS = 48
const TOPICS_SHOWN = 3

/** One topic, shortened in the middle so its kind (prefix) and version (suffix) stay readable. */
export function shortTopic(topic: string, max = TOPIC_CHARS): string {
  if (topic.length <= max) return topic
  const keep = max - 1
  const head = Math.ceil(keep * 0.6)
  return `${topic.slice(0, head)}…${topic.slice(topic.length - (keep - head))}`
}

/**
 * Log fields naming the topics of a publish or subscribe: how many, and the first few
 * (shortened), with a note of how many more were left out.
 */
export function topicFields(topics: readonly string[]): { topicCount: number; topics: string[] } {
  const distinct = [...new Set(topics)]
  const shown = distinct.slice(0, TOPICS_SHOWN).map((t) => shortTopic(t))
  if (distinct.length > TOPICS_SHOWN) shown.push(`+${distinct.length - TOPICS_SHOWN} more`)
  return { topicCount: distinct.length, topics: shown }
}
